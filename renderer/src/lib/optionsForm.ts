import type { AppFactsView, ConversionOptionsView, OutputFormatView, Settings } from '../../../preload/contract';

/** Conversion options as a form holds them: numbers as typed text, empty for "not set". */
export interface OptionsForm {
  quality: ConversionOptionsView['quality'];
  maxSizeMb: string;
  resize: string;
  stripMetadata: boolean;
  onConflict: ConversionOptionsView['onConflict'];
  mono: boolean;
  audioKbps: string;
  /** Empty: the input's name. */
  nameTemplate: string;
  /** Moments as typed (`00:00:05`, `1:30`, `2.5`); empty: not set. */
  at: string;
  from: string;
  until: string;
  /** Empty: the default (balanced speed, H.264). */
  speed: '' | NonNullable<ConversionOptionsView['speed']>;
  videoCodec: '' | NonNullable<ConversionOptionsView['videoCodec']>;
  normalize: boolean;
}
export type OptionsField = 'maxSizeMb' | 'resize' | 'audioKbps' | 'nameTemplate' | 'at' | 'from' | 'until';

/** The options one conversion takes (`app:facts`): by target, narrowed by what the input is once known. */
export type OfferedOptions = AppFactsView['options']['offered']['any'][OutputFormatView];

/** What the options are offered for: an input's kind, or a picture that moves (`animation`). */
export type OfferedInputView = Exclude<keyof AppFactsView['options']['offered'], 'any'>;

/** What core says this target takes for an input of this kind (null or undefined: not known yet). */
export function offeredOptions(facts: AppFactsView, target: OutputFormatView, input?: OfferedInputView | null): OfferedOptions {
  return facts.options.offered[input ?? 'any'][target];
}

/** A typed moment in seconds: `00:00:05`, `1:30`, `5`, `2.5`; undefined when it is not one. */
export function parseMomentText(text: string): number | undefined {
  const match = /^\s*(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match;
  if ((hours !== undefined || minutes !== undefined) && Number(seconds) >= 60) return undefined;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds);
}

export function optionsFormOf(o: ConversionOptionsView, bytesPerMb: number): OptionsForm {
  return {
    quality: o.quality, maxSizeMb: o.maxSizeBytes ? String(o.maxSizeBytes / bytesPerMb) : '', resize: o.resize ? String(o.resize) : '',
    stripMetadata: o.stripMetadata, onConflict: o.onConflict, mono: o.mono ?? false, audioKbps: o.audioBitrateKbps ? String(o.audioBitrateKbps) : '',
    nameTemplate: o.nameTemplate ?? '',
    at: o.at !== undefined ? String(o.at) : '', from: o.from !== undefined ? String(o.from) : '', until: o.until !== undefined ? String(o.until) : '',
    speed: o.speed ?? '', videoCodec: o.videoCodec ?? '', normalize: o.normalize ?? false,
  };
}

const within = (text: string, { min, max }: { min: number; max: number }) => Number.isInteger(Number(text)) && Number(text) >= min && Number(text) <= max;

/** What is wrong with a typed output name template, against core's placeholders (empty: none, the input's name). */
export function nameTemplateFormProblem(text: string, options: AppFactsView['options']): string | undefined {
  const { placeholders, maxLength } = options.nameTemplate;
  if (text === '') return undefined;
  const known = placeholders.map((p) => `{${p}}`).join(', ');
  if (text.length > maxLength) return `A file name template is at most ${maxLength} characters.`;
  if (/[/\\]/.test(text)) return 'A file name template names a file, not a folder: leave out / and \\.';
  const unknown = [...text.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]!).find((key) => !placeholders.includes(key));
  if (unknown !== undefined) return `A file name template knows ${known}, not {${unknown}}.`;
  if (['', '.', '..'].includes(text.replace(/\{[a-z]+\}/g, 'x').trim())) return `A file name template must leave a name, such as {name}-{preset}.`;
  return undefined;
}

/** What is wrong with the typed numbers, by field, against core's limits (the engine checks the rest). */
export function optionsFormProblems(form: OptionsForm, { options }: AppFactsView, offered?: OfferedOptions): Partial<Record<OptionsField, string>> {
  const problems: Partial<Record<OptionsField, string>> = {};
  const { resizePx, audioBitrateKbps, maxSizeBytes, bytesPerMb } = options;
  if ((offered?.sizeLimit ?? true) && form.maxSizeMb.trim() !== '' && !(Number(form.maxSizeMb) > 0 && Number(form.maxSizeMb) * bytesPerMb <= maxSizeBytes.max)) problems.maxSizeMb = `A size limit is a number of MB above 0 and at most ${maxSizeBytes.max / bytesPerMb}.`;
  if ((offered?.resize ?? true) && form.resize.trim() !== '' && !within(form.resize, resizePx)) problems.resize = `A longest edge is a whole number of pixels from ${resizePx.min} to ${resizePx.max}.`;
  const nameProblem = nameTemplateFormProblem(form.nameTemplate, options);
  if (nameProblem) problems.nameTemplate = nameProblem;
  if ((offered?.audioBitrate ?? true) && form.audioKbps.trim() !== '' && !within(form.audioKbps, audioBitrateKbps)) problems.audioKbps = `An audio bitrate is a whole number of kbps from ${audioBitrateKbps.min} to ${audioBitrateKbps.max}.`;
  const moment = (text: string) => parseMomentText(text) ?? NaN;
  const badMoment = (text: string) => text.trim() !== '' && !(moment(text) >= options.atSeconds.min && moment(text) <= options.atSeconds.max);
  const momentWords = 'a time such as 00:00:05, 1:30 or 2.5 (seconds)';
  if (offered?.at && badMoment(form.at)) problems.at = `The picture's moment is ${momentWords}.`;
  if (offered?.cut && badMoment(form.from)) problems.from = `A cut starts at ${momentWords}.`;
  if (offered?.cut && badMoment(form.until)) problems.until = `A cut ends at ${momentWords}.`;
  else if (offered?.cut && !problems.from && form.from.trim() !== '' && form.until.trim() !== '' && moment(form.until) <= moment(form.from)) problems.until = 'A cut ends after it starts.';
  // Only a WEBP is both a still (a moment) and, with a cut, an animation with a size limit.
  if (offered?.sizeLimit && offered.at && !problems.maxSizeMb && form.maxSizeMb.trim() !== '' && form.from.trim() === '' && form.until.trim() === '') problems.maxSizeMb = 'A size limit applies to a WEBP that moves: fill in From or Until (From 0 for the whole clip), or leave the limit empty.';
  if (offered?.at && offered.cut && form.at.trim() !== '' && (form.from.trim() !== '' || form.until.trim() !== '')) problems.at = 'A moment makes a still and a cut an animation: leave one of them empty.';
  return problems;
}

/** The options to send: those the target does not take (hidden in the form) are left out. */
export function optionsOfForm(form: OptionsForm, bytesPerMb: number, offered?: OfferedOptions): ConversionOptionsView {
  const options: ConversionOptionsView = { quality: form.quality, stripMetadata: form.stripMetadata, onConflict: form.onConflict, ...(form.mono && (offered?.sound ?? true) ? { mono: true } : {}) };
  if (form.audioKbps.trim() !== '' && (offered?.audioBitrate ?? true)) options.audioBitrateKbps = Number(form.audioKbps);
  if (form.maxSizeMb.trim() !== '' && (offered?.sizeLimit ?? true)) options.maxSizeBytes = Math.round(Number(form.maxSizeMb) * bytesPerMb);
  if (form.resize.trim() !== '' && (offered?.resize ?? true)) options.resize = Number(form.resize);
  if (form.nameTemplate !== '') options.nameTemplate = form.nameTemplate;
  const moment = (text: string) => (text.trim() === '' ? undefined : parseMomentText(text));
  const at = offered?.at ? moment(form.at) : undefined;
  const from = offered?.cut ? moment(form.from) : undefined;
  const until = offered?.cut ? moment(form.until) : undefined;
  if (at !== undefined) options.at = at;
  if (from !== undefined) options.from = from;
  if (until !== undefined) options.until = until;
  if (offered?.speed && form.speed !== '') options.speed = form.speed;
  if (offered?.videoCodec && form.videoCodec !== '') options.videoCodec = form.videoCodec;
  if (offered?.normalize && form.normalize) options.normalize = true;
  return options;
}

/**
 * The speed a form's "As in Settings" stands for: Settings' encoding speed in the "on this computer" mode (core's
 * `settingsSpeed`); undefined in the modes that may upload, where no default applies and Balanced is the default.
 */
export function settingsSpeedOf(settings: Settings | null): NonNullable<ConversionOptionsView['speed']> | undefined {
  return settings?.mode === 'local' ? settings.encodingSpeed : undefined;
}
