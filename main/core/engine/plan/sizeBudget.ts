import { AppError } from '../../errors.js';
import { formatMegabytes, type Quality } from './conversionOptions.js';

/**
 * How a size limit becomes bitrates. The output aims a little under the limit (the container, its index and
 * the encoder's rate control take a few per cent), and is checked afterwards to be under it and, when the
 * limit decided the bitrate, to use at least MIN_FILL of it (an input too easy to use that much is encoded at its
 * quality level instead, and that output only has to fit: see sizeLimitedRun).
 */
export const SIZE_TARGET_SHARE = 0.95;
/** Fixed bytes a container adds whatever the length (headers, index, tags). */
const CONTAINER_BYTES = 16_000;
/** An output that the limit decided uses at least this share of it (a smaller one wastes quality the user could have had). */
export const MIN_FILL = 0.7;

/** Below these, pictures and sound fall apart: a size that needs less is refused before any work. */
export const MIN_AUDIO_KBPS = 24;
/** Bits per pixel of each frame below which video is a smear (0.004 is 250 kbps for 1080p at 30 fps). */
const MIN_BITS_PER_PIXEL = 0.004;
const MIN_VIDEO_KBPS = 48;
/** Bits per pixel above which a higher bitrate buys nothing visible at each quality; the budget is not spent beyond it. */
const MAX_BITS_PER_PIXEL: Record<Quality, number> = { high: 0.15, balanced: 0.1, small: 0.06 };

export interface SizeTarget {
  maxBytes: number;
  /** The smallest acceptable output: set when the limit decided the bitrate. */
  minBytes?: number;
}

function budgetKbps(maxBytes: number, durationSeconds: number): number {
  return ((maxBytes * SIZE_TARGET_SHARE - CONTAINER_BYTES) * 8) / durationSeconds / 1000;
}

function seconds(durationSeconds: number | undefined): number {
  if (!durationSeconds || durationSeconds <= 0) {
    throw new AppError('SIZE_UNREACHABLE', 'This file does not say how long it is, so a size limit cannot be planned; convert it without --max-size.');
  }
  return durationSeconds;
}

/** The smallest limit that still works, for the message that refuses a smaller one. */
function unreachable(what: string, durationSeconds: number, maxBytes: number, minKbps: number, hint: string): AppError {
  const neededBytes = Math.ceil(((minKbps * 1000 * durationSeconds) / 8 + CONTAINER_BYTES) / SIZE_TARGET_SHARE);
  return new AppError(
    'SIZE_UNREACHABLE',
    `${what} of ${Math.round(durationSeconds)} s cannot fit in ${formatMegabytes(maxBytes)} without falling apart; it needs at least ${formatMegabytes(neededBytes)}${hint}.`,
  );
}

export interface AudioBudget {
  kbps: number;
  target: SizeTarget;
}

/**
 * Audio alone under a limit: the limit's bitrate, rounded down to one the encoder offers (`steps`), or the
 * quality's own bitrate when the limit allows more (then only the upper bound holds). `bitrateScale` (below 1)
 * lowers the chosen bitrate for another try after an output came out over the limit.
 */
export function planAudioBudget(maxBytes: number, durationSeconds: number | undefined, preferredKbps: number, steps?: readonly number[], bitrateScale = 1): AudioBudget {
  const duration = seconds(durationSeconds);
  const budget = budgetKbps(maxBytes, duration);
  if (budget >= preferredKbps && bitrateScale === 1) return { kbps: preferredKbps, target: { maxBytes } };
  const offered = (wanted: number) => steps ? [...steps].reverse().find((s) => s <= wanted) : Math.floor(wanted);
  const chosen = budget >= preferredKbps ? preferredKbps : offered(budget);
  const kbps = chosen === undefined ? undefined : offered(chosen * bitrateScale);
  if (kbps === undefined || kbps < MIN_AUDIO_KBPS) throw unreachable('Sound', duration, maxBytes, Math.max(MIN_AUDIO_KBPS, steps?.find((s) => s >= MIN_AUDIO_KBPS) ?? MIN_AUDIO_KBPS), '');
  return { kbps, target: budget >= preferredKbps ? { maxBytes } : { maxBytes, minBytes: Math.floor(maxBytes * MIN_FILL) } };
}

export interface VideoBudgetInput {
  maxBytes: number;
  durationSeconds: number | undefined;
  /** The output picture. */
  width: number;
  height: number;
  frameRate: number | undefined;
  audioTracks: number;
  /** What each audio track gets when the budget is generous. */
  preferredAudioKbps: number;
  quality: Quality;
  /** Below 1: the picture's bitrate lowered for another try after an output came out over the limit. */
  bitrateScale?: number;
}

export interface VideoBudget {
  videoKbps: number;
  audioKbps: number;
  target: SizeTarget;
}

/**
 * Splits a limit between picture and sound: each audio track gets its share (at most 15 % of the budget,
 * between MIN_AUDIO_KBPS and its preferred bitrate), the picture the rest, up to what the quality needs.
 */
export function planVideoBudget(input: VideoBudgetInput): VideoBudget {
  const duration = seconds(input.durationSeconds);
  const total = budgetKbps(input.maxBytes, duration);
  const tracks = input.audioTracks;
  const audioKbps = tracks === 0 ? 0 : Math.round(Math.min(input.preferredAudioKbps, Math.max(MIN_AUDIO_KBPS, (total * 0.15) / tracks)));
  const pixelsPerSecond = input.width * input.height * (input.frameRate && input.frameRate > 0 ? Math.min(input.frameRate, 120) : 30);
  const floor = Math.max(MIN_VIDEO_KBPS, (pixelsPerSecond * MIN_BITS_PER_PIXEL) / 1000);
  const ceiling = Math.max(floor, (pixelsPerSecond * MAX_BITS_PER_PIXEL[input.quality]) / 1000);
  const limited = total - audioKbps * tracks;
  const videoKbps = Math.floor(Math.min(limited, ceiling) * (input.bitrateScale ?? 1));
  if (videoKbps < floor) {
    const hint = input.width * input.height > 640 * 360 ? `, or less with a smaller picture (--resize)` : '';
    throw unreachable(`A ${input.width}x${input.height} video`, duration, input.maxBytes, floor + MIN_AUDIO_KBPS * tracks, hint);
  }
  if (limited > ceiling) return { videoKbps, audioKbps, target: { maxBytes: input.maxBytes } };
  return { videoKbps, audioKbps, target: { maxBytes: input.maxBytes, minBytes: Math.floor(input.maxBytes * MIN_FILL) } };
}

/** What is wrong with an output's size against its limit (empty when it fits). */
export function checkOutputSize(bytes: number, target: SizeTarget | undefined): string[] {
  if (!target) return [];
  if (bytes > target.maxBytes) return [`the output is ${formatMegabytes(bytes)}, over the ${formatMegabytes(target.maxBytes)} limit`];
  if (target.minBytes !== undefined && bytes < target.minBytes) {
    return [`the output is ${formatMegabytes(bytes)}, less than ${Math.round(MIN_FILL * 100)} % of the ${formatMegabytes(target.maxBytes)} it may use`];
  }
  return [];
}
