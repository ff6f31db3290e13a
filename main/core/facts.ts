import { JOB_VIEW_STATUSES } from './app/jobViewStatus.js';
import { PLAN_CEILINGS } from './scheduling/concurrency.js';
import {
  BYTES_PER_MB, CONFLICT_POLICIES, MAX_AUDIO_BITRATE_KBPS, MAX_MOMENT_SECONDS, MAX_RESIZE_PX, MAX_SIZE_LIMIT_BYTES, MIN_AUDIO_BITRATE_KBPS, MIN_RESIZE_PX, QUALITIES, SPEEDS, VIDEO_CODECS, supportsMaxSize,
  atApplies,
} from './engine/plan/conversionOptions.js';
import { CONVERSION_MODES, MODE_PREFERENCES } from './modes.js';
import { INPUT_FORMATS, MEDIA_KINDS, OUTPUT_FORMATS, formatLabel, inputKind, outputKind, type MediaKind, type OutputFormat } from './formats.js';
import { targetsFor, targetsForKind } from './pairs.js';
import { MAX_PRESET_NAME_LENGTH } from './presets/presets.js';
import { smartTargetForKind } from './engine/plan/smartTarget.js';
import { OFFERED_OPTIONS, offeredOptions, type OfferedInput, type OfferedOptions } from './engine/plan/offeredOptions.js';
import { MAX_NAME_TEMPLATE_LENGTH, NAME_PLACEHOLDERS, nameTemplateProblem } from './engine/run/outputName.js';

export { MAX_NAME_TEMPLATE_LENGTH, nameTemplateProblem };
export { MEDIA_KINDS, JOB_VIEW_STATUSES, CONVERSION_MODES, MODE_PREFERENCES, INPUT_FORMATS, OUTPUT_FORMATS, QUALITIES, SPEEDS, VIDEO_CODECS, CONFLICT_POLICIES, MIN_RESIZE_PX, MAX_RESIZE_PX, MIN_AUDIO_BITRATE_KBPS, MAX_AUDIO_BITRATE_KBPS, MAX_SIZE_LIMIT_BYTES, MAX_MOMENT_SECONDS, MAX_PRESET_NAME_LENGTH };

// The facts the window shows and checks, gathered from where each is defined. This module (and what it imports)
// is bundled into the preload and the contract: it may import no Node built-in.

/** The hosted plan's ceiling per kind; null where the plan sets none (JSON has no Infinity). */
export function planCeiling(kind: MediaKind): number | null {
  return Number.isFinite(PLAN_CEILINGS[kind]) ? PLAN_CEILINGS[kind] : null;
}

/** Everything the window needs to offer choices and check them before sending, as `app:facts` answers it. */
/** What each target takes for an input of this kind, or an animation (any input when absent). */
function offeredByTarget(input?: OfferedInput): Record<OutputFormat, OfferedOptions> {
  return Object.fromEntries(OUTPUT_FORMATS.map((target) => [target, offeredOptions(target, input)])) as Record<OutputFormat, OfferedOptions>;
}

export { OFFERED_OPTIONS };

export function appFacts() {
  return {
    kinds: [...MEDIA_KINDS],
    /** Every target, in the order the window lists them, with its kind and what it takes. */
    outputFormats: OUTPUT_FORMATS.map((format) => ({ format, kind: outputKind(format), label: formatLabel(format), sizeLimit: supportsMaxSize(format) })),
    /** What each kind of input can become once its streams are known: pictures in motion, sound alone, a still. */
    targetsByInputKind: { video: [...targetsForKind('video')], audio: [...targetsForKind('audio')], image: [...targetsForKind('image')] } satisfies Record<MediaKind, OutputFormat[]>,
    /** Every input format with its usual kind and what it can become before its streams are read. */
    inputFormats: INPUT_FORMATS.map((format) => ({ format, kind: inputKind(format), label: formatLabel(format), targets: [...targetsFor(format)] })),
    smartTargets: { video: smartTargetForKind('video'), audio: smartTargetForKind('audio'), image: smartTargetForKind('image') } satisfies Record<MediaKind, OutputFormat>,
    modes: [...MODE_PREFERENCES],
    conversionModes: [...CONVERSION_MODES],
    jobStatuses: [...JOB_VIEW_STATUSES],
    planCeilings: { video: planCeiling('video'), audio: planCeiling('audio'), image: planCeiling('image') } satisfies Record<MediaKind, number | null>,
    options: {
      qualities: [...QUALITIES],
      conflictPolicies: [...CONFLICT_POLICIES],
      resizePx: { min: MIN_RESIZE_PX, max: MAX_RESIZE_PX },
      audioBitrateKbps: { min: MIN_AUDIO_BITRATE_KBPS, max: MAX_AUDIO_BITRATE_KBPS },
      maxSizeBytes: { max: MAX_SIZE_LIMIT_BYTES },
      /** `--at`: seconds from the start, for a still of a video. */
      atSeconds: { min: 0, max: MAX_MOMENT_SECONDS, targets: OUTPUT_FORMATS.filter(atApplies) },
      speeds: [...SPEEDS],
      videoCodecs: [...VIDEO_CODECS],
      /** The options each conversion takes, by target, for an input not known yet (`any`), for each kind of input, and for a picture that moves. */
      offered: {
        any: offeredByTarget(),
        video: offeredByTarget('video'),
        audio: offeredByTarget('audio'),
        image: offeredByTarget('image'),
        animation: offeredByTarget('animation'),
      },
      bytesPerMb: BYTES_PER_MB,
      /** An output name template's placeholders ({name}, ...) and longest length. */
      nameTemplate: { placeholders: [...NAME_PLACEHOLDERS], maxLength: MAX_NAME_TEMPLATE_LENGTH },
    },
    presetNameMaxLength: MAX_PRESET_NAME_LENGTH,
  };
}
export type AppFacts = ReturnType<typeof appFacts>;
