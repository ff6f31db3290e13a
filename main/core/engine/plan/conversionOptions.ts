import { AppError } from '../../errors.js';
import { isImageOutput, isVideoOutput, type OutputFormat } from '../../formats.js';

/** The containers that hold an H.265 or AV1 picture as well as H.264. */
const CODEC_CONTAINERS: readonly OutputFormat[] = ['mp4', 'mkv', 'mov'];
import { isAnimatedWebp, isFrameGrabTarget } from './frameGrabTargets.js';
import { nameTemplateProblem } from '../run/outputName.js';

export const QUALITIES = ['high', 'balanced', 'small'] as const;
export type Quality = (typeof QUALITIES)[number];

/** How long the video encoder may take: the x264/x265/VP9/AV1 speed setting (`--speed`). */
export const SPEEDS = ['fast', 'balanced', 'thorough'] as const;
export type Speed = (typeof SPEEDS)[number];

/** The picture codec of a video output (`--codec`): H.264 plays everywhere; H.265 and AV1 are smaller where they play. */
export const VIDEO_CODECS = ['h264', 'h265', 'av1'] as const;
export type VideoCodec = (typeof VIDEO_CODECS)[number];

export const CONFLICT_POLICIES = ['keep-both', 'skip', 'overwrite'] as const;
/** What happens when the output's name is taken: `name (1).ext` (default), leave it and skip the job, or replace it once the new output passed its check. */
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/** One megabyte as `--max-size` counts it (and as chat apps and mail servers state their limits). */
export const BYTES_PER_MB = 1_000_000;

/** How one job converts beyond its target format; part of the job as stored and of its "already converted" identity. */
export interface ConversionOptions {
  quality: Quality;
  /** The output must be at most this many bytes (video and lossy audio targets). */
  maxSizeBytes?: number;
  /** The longest edge of the picture at most this many pixels (images and video); never upscaled. */
  resize?: number;
  /** Remove EXIF/XMP/IPTC (GPS, camera serial numbers) and container tags (QuickTime location). */
  stripMetadata: boolean;
  onConflict: ConflictPolicy;
  /** Audio mixed down to one channel (speech). */
  mono?: boolean;
  /** A fixed audio bitrate in kbps for lossy audio, instead of the quality's. */
  audioBitrateKbps?: number;

  // Cuts and stills of a video.
  /** The moment, in seconds from the start, whose picture a still of a video shows (JPG, PNG, WEBP); a representative frame without it. */
  at?: number;
  /** A cut of a video, a sound or an animation: from this many seconds (the start without it) until that many (the end without it). */
  from?: number;
  until?: number;
  /** The video encoder's speed; `balanced` when absent. */
  speed?: Speed;
  /** The picture codec of an MP4, MKV or MOV output; H.264 when absent. */
  videoCodec?: VideoCodec;
  /** Loudness normalised to EBU R128 (two-pass loudnorm) for sound. */
  normalize?: boolean;
  /** The output's name without its extension, such as `{name}-{preset}` (outputName.ts); the input's name when absent. */
  nameTemplate?: string;
}

export const DEFAULT_OPTIONS: ConversionOptions = { quality: 'balanced', stripMetadata: false, onConflict: 'keep-both' };

/** The largest size limit a job takes (1 TB). */
export const MAX_SIZE_LIMIT_BYTES = 1e12;
export const MIN_RESIZE_PX = 16;
export const MAX_RESIZE_PX = 16_384;
export const MIN_AUDIO_BITRATE_KBPS = 8;
export const MAX_AUDIO_BITRATE_KBPS = 512;
/** The latest moment `--at` takes (a day), whatever the video's length; the video's own length is checked when it is read. */
export const MAX_MOMENT_SECONDS = 86_400;

/** Targets whose size cannot be chosen: lossless audio and images (a GIF made from a video can: fewer frames, a smaller picture). */
export function supportsMaxSize(target: OutputFormat): boolean {
  return target === 'gif' || !isImageOutput(target) && target !== 'wav' && target !== 'flac';
}

// Which targets each option applies to: `optionsProblem` refuses the others, and the window offers each only there.
/** `--at`: the stills of a video (JPG, PNG, WEBP). */
export function atApplies(target: OutputFormat): boolean {
  return isFrameGrabTarget(target);
}
/** A cut: video and sound, and the moving pictures of a video (GIF, and WEBP, which a cut makes animated). */
export function cutApplies(target: OutputFormat): boolean {
  return !isImageOutput(target) || target === 'gif' || target === 'webp';
}
/** The encoder's speed: video encoding, a GIF included. */
export function speedApplies(target: OutputFormat): boolean {
  return isVideoOutput(target) || target === 'gif';
}
/** A picture codec other than H.264: the containers that hold H.265 and AV1. */
export function videoCodecApplies(target: OutputFormat): boolean {
  return CODEC_CONTAINERS.includes(target);
}
/** Loudness normalisation: anything with sound. */
export function normalizeApplies(target: OutputFormat): boolean {
  return !isImageOutput(target);
}

/** Why these options cannot apply to this target, in the user's words; undefined when they can. */
export function optionsProblem(options: ConversionOptions, target: OutputFormat): string | undefined {
  if (options.nameTemplate !== undefined) {
    const problem = nameTemplateProblem(options.nameTemplate);
    if (problem) return problem;
  }
  if (options.maxSizeBytes !== undefined && !supportsMaxSize(target) && !isAnimatedWebp(target, options)) {
    return isImageOutput(target)
      ? `A size limit applies to video and audio; for ${target.toUpperCase()} use a quality or a resize instead.`
      : `${target.toUpperCase()} is lossless, so its size cannot be chosen; use MP3, M4A, OGG or OPUS for a size limit.`;
  }
  if (options.resize !== undefined && !Number.isInteger(options.resize)) return 'A resize is a whole number of pixels.';
  if (options.resize !== undefined && (options.resize < MIN_RESIZE_PX || options.resize > MAX_RESIZE_PX)) return `A resize is between ${MIN_RESIZE_PX} and ${MAX_RESIZE_PX} pixels.`;
  if (options.maxSizeBytes !== undefined && !(options.maxSizeBytes > 0)) return 'A size limit is more than 0 MB.';
  if (options.audioBitrateKbps !== undefined && (!supportsMaxSize(target) || isImageOutput(target))) {
    return isImageOutput(target)
      ? `An audio bitrate applies to sound; ${target.toUpperCase()} is a picture.`
      : `${target.toUpperCase()} is lossless, so it has no bitrate to choose; use MP3, M4A, OGG or OPUS for a bitrate.`;
  }
  if (options.mono && isImageOutput(target)) return `Mono applies to sound; ${target.toUpperCase()} is a picture.`;
  if (options.at !== undefined && !atApplies(target)) return `--at picks the moment of a still of a video (JPG, PNG or WEBP), not of ${target.toUpperCase()}.`;
  if (options.at !== undefined && !(options.at >= 0 && options.at <= MAX_MOMENT_SECONDS)) return 'A moment is between 00:00:00 and 24:00:00.';
  if ((options.from !== undefined || options.until !== undefined) && !cutApplies(target)) return `A cut (--from, --until) applies to video, audio, GIF and animated WEBP targets, not to ${target.toUpperCase()}.`;
  if (options.at !== undefined && isAnimatedWebp(target, options)) return '--at makes a still WEBP and a cut (--from, --until) an animated one: choose one of them.';
  for (const moment of [options.from, options.until]) {
    if (moment !== undefined && !(moment >= 0 && moment <= MAX_MOMENT_SECONDS)) return 'A moment is between 00:00:00 and 24:00:00.';
  }
  if (options.from !== undefined && options.until !== undefined && options.until <= options.from) return 'A cut ends (--until) after it starts (--from).';
  if (options.speed !== undefined && !speedApplies(target)) return `A speed applies to video encoding, not to ${target.toUpperCase()}.`;
  if (options.videoCodec !== undefined && options.videoCodec !== 'h264' && !videoCodecApplies(target)) return `A video codec (--codec) applies to MP4, MKV and MOV, not to ${target.toUpperCase()}.`;
  if (options.normalize && !normalizeApplies(target)) return `Loudness normalisation applies to sound; ${target.toUpperCase()} is a picture.`;
  if (options.audioBitrateKbps !== undefined && (options.audioBitrateKbps < MIN_AUDIO_BITRATE_KBPS || options.audioBitrateKbps > MAX_AUDIO_BITRATE_KBPS)) {
    return `An audio bitrate is between ${MIN_AUDIO_BITRATE_KBPS} and ${MAX_AUDIO_BITRATE_KBPS} kbps.`;
  }
  return undefined;
}

export function assertOptionsFit(options: ConversionOptions, target: OutputFormat): void {
  const problem = optionsProblem(options, target);
  if (problem) throw new AppError('OPTION_UNSUPPORTED', problem);
}

/** The options with defaults filled in and nothing else: one shape per meaning, for storage and identity. */
export function normalizeOptions(options: Partial<ConversionOptions> | null | undefined): ConversionOptions {
  const out: ConversionOptions = {
    quality: options?.quality ?? DEFAULT_OPTIONS.quality,
    stripMetadata: options?.stripMetadata ?? false,
    onConflict: options?.onConflict ?? DEFAULT_OPTIONS.onConflict,
  };
  if (options?.maxSizeBytes !== undefined) out.maxSizeBytes = options.maxSizeBytes;
  if (options?.resize !== undefined) out.resize = options.resize;
  if (options?.mono) out.mono = true;
  if (options?.audioBitrateKbps !== undefined) out.audioBitrateKbps = options.audioBitrateKbps;
  if (options?.at !== undefined) out.at = options.at;
  if (options?.from !== undefined) out.from = options.from;
  if (options?.until !== undefined) out.until = options.until;
  // `balanced` named is kept apart from none: the window's default speed fills only a speed nobody chose.
  if (options?.speed !== undefined) out.speed = options.speed;
  if (options?.videoCodec !== undefined && options.videoCodec !== 'h264') out.videoCodec = options.videoCodec;
  if (options?.normalize) out.normalize = true;
  if (options?.nameTemplate !== undefined && options.nameTemplate !== '') out.nameTemplate = options.nameTemplate;
  return out;
}

/**
 * What an output depends on, as a stable string: two requests with the same key make the same file. The
 * conflict policy and the name template decide where a file goes, not what it is, so they are left out.
 */
export function optionsIdentity(options: ConversionOptions): string {
  const n = normalizeOptions(options);
  const base = [n.quality, n.maxSizeBytes ?? null, n.resize ?? null, n.stripMetadata, n.mono ?? false, n.audioBitrateKbps ?? null];
  // Cuts and stills only when chosen, so that the identities of jobs stored before them stay the same.
  const cut = { ...(n.at !== undefined ? { at: n.at } : {}), ...(n.from !== undefined ? { from: n.from } : {}), ...(n.until !== undefined ? { until: n.until } : {}) };
  // Likewise speed, codec and loudness only when chosen.
  const more = { ...cut, ...(n.speed !== undefined && n.speed !== 'balanced' ? { speed: n.speed } : {}), ...(n.videoCodec !== undefined ? { videoCodec: n.videoCodec } : {}), ...(n.normalize ? { normalize: true } : {}) };
  return JSON.stringify(Object.keys(more).length > 0 ? [...base, more] : base);
}

/** Options that change the output itself (not just where it goes): only this machine's engine applies them. */
export function engineOptionsChosen(options: ConversionOptions): boolean {
  return optionsIdentity(options) !== optionsIdentity(DEFAULT_OPTIONS);
}

/** Options at their defaults, nothing chosen. */
export function isDefaultOptions(options: ConversionOptions): boolean {
  return optionsIdentity(options) === optionsIdentity(DEFAULT_OPTIONS) && options.onConflict === DEFAULT_OPTIONS.onConflict && options.nameTemplate === undefined;
}

/** `--max-size 25MB`, `25`, `7.5mb`: bytes (MB = 1,000,000 bytes); undefined when it is not a size. */
export function parseMaxSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mb|m)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * BYTES_PER_MB);
  return bytes > 0 ? bytes : undefined;
}

/** `4 MB`, `2.5 MB`; what would round to `0 MB` in kilobytes (`10 KB`). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / BYTES_PER_MB;
  if (mb < 0.05) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

/** A short summary of the options that differ from the defaults ("under 25 MB, 1280 px, no metadata"). */
export function describeOptions(options: ConversionOptions): string {
  const parts: string[] = [];
  if (options.quality !== 'balanced') parts.push(`${options.quality} quality`);
  if (options.maxSizeBytes !== undefined) parts.push(`under ${formatMegabytes(options.maxSizeBytes)}`);
  if (options.resize !== undefined) parts.push(`${options.resize} px`);
  if (options.mono) parts.push('mono');
  if (options.audioBitrateKbps !== undefined) parts.push(`${options.audioBitrateKbps} kbps`);
  if (options.at !== undefined) parts.push(`at ${options.at} s`);
  if (options.from !== undefined || options.until !== undefined) parts.push(`cut ${options.from ?? 0}-${options.until ?? 'end'} s`);
  if (options.speed !== undefined && options.speed !== 'balanced') parts.push(`${options.speed} encoding`);
  if (options.videoCodec !== undefined && options.videoCodec !== 'h264') parts.push(options.videoCodec.toUpperCase());
  if (options.normalize) parts.push('loudness normalised');
  if (options.stripMetadata) parts.push('no metadata');
  if (options.onConflict !== 'keep-both') parts.push(options.onConflict === 'skip' ? 'skip existing' : 'overwrite existing');
  if (options.nameTemplate !== undefined) parts.push(`named ${options.nameTemplate}`);
  return parts.join(', ');
}

