import { AppError } from '../../errors.js';
import type { FfmpegPlan, ProbedInput } from './ffmpegPlan.js';
import { formatMoment } from './moments.js';
import type { ConversionOptions } from './conversionOptions.js';

/** The part of a clip a job keeps: from `from` seconds, for `length` seconds. */
export interface Trim {
  from: number;
  length: number;
}

/** How far a cut audio output may end from the asked length: about one AAC/MP3/Opus frame and the encoder's padding. */
const AUDIO_FRAME_SECONDS = 0.05;
/**
 * The same in samples, which is what an encoder's delay and padding are counted in: at 22.05 kHz a LAME MP3's frames
 * (which ffprobe counts) last 0.07 s longer than the sound it plays.
 */
const AUDIO_PADDING_SAMPLES = 2048;

/** The trim `--from`/`--until` ask for, checked against the input's length; undefined when neither is given. */
export function trimOf(conversion: Pick<ConversionOptions, 'from' | 'until'>, durationSeconds: number | undefined): Trim | undefined {
  if (conversion.from === undefined && conversion.until === undefined) return undefined;
  const from = conversion.from ?? 0;
  const end = conversion.until ?? durationSeconds;
  if (end === undefined) throw new AppError('OPTION_UNSUPPORTED', 'This file does not say how long it is, so a cut needs --until as well.');
  if (durationSeconds !== undefined && from >= durationSeconds) {
    throw new AppError('OPTION_UNSUPPORTED', `This file lasts ${formatMoment(durationSeconds)}, so it cannot start at ${formatMoment(from)}.`);
  }
  if (durationSeconds !== undefined && end > durationSeconds + 0.001) {
    throw new AppError('OPTION_UNSUPPORTED', `This file lasts ${formatMoment(durationSeconds)}, so it cannot end at ${formatMoment(end)}.`);
  }
  return { from, length: end - from };
}

/** The input as a plan sees it once cut: as long as the cut, so that size limits, progress and checks count the cut's seconds. */
export function trimmedInput(input: ProbedInput, trim: Trim): ProbedInput {
  const probe = input.probe;
  return {
    ...input,
    probe: {
      ...probe,
      durationSeconds: trim.length,
      video: probe.video.map((s) => ({ ...s, durationSeconds: trim.length })),
      audio: probe.audio.map((s) => ({ ...s, durationSeconds: trim.length })),
    },
  };
}

/** Where to look for a key frame that starts the cut: within half a frame of its start (a frame of 30 fps when the rate is unknown). */
export function keyFrameWindow(trim: Trim, frameRate: number | undefined): { from: number; to: number } {
  const half = 0.5 / (frameRate && frameRate > 0 ? frameRate : 30);
  return { from: Math.max(0, trim.from - half), to: trim.from + half };
}

/**
 * A cut that starts on a key frame (at 0, or within half a frame of one of `keyFrames`) keeps a plan that copies
 * streams a remux: the input is read from that key frame (`-ss` before `-i`) and `-t` ends on the last frame
 * before the cut's end. A cut starting between key frames re-encodes video so that it starts at that exact frame,
 * not at the key frame before it.
 */
export function trimNeedsEncode(trim: Trim, hasVideo: boolean, keyFrames: readonly number[] = [], frameRate?: number): boolean {
  if (!hasVideo || trim.from === 0) return false;
  const window = keyFrameWindow(trim, frameRate);
  return !keyFrames.some((t) => t >= window.from && t <= window.to);
}

/** The plan reading only the cut (input seeking, exact when decoding; an encode also ends there) and checked to last the cut's length within one frame. */
export function withTrim(plan: FfmpegPlan, trim: Trim, frameRate: number | undefined, sampleRate?: number): FfmpegPlan {
  const round = (n: number) => String(Math.round(n * 1000) / 1000);
  const padding = sampleRate && sampleRate > 0 ? Math.max(AUDIO_FRAME_SECONDS, AUDIO_PADDING_SAMPLES / sampleRate) : AUDIO_FRAME_SECONDS;
  const frame = plan.expectation.frameSeconds ?? (frameRate && frameRate > 0 ? 1 / frameRate : padding);
  return {
    ...plan,
    inputOptions: [...plan.inputOptions, ...(trim.from > 0 ? ['-ss', round(trim.from)] : []), '-t', round(trim.length)],
    // An encoder times a variable-rate clip's pictures at its average rate, so the pictures read for the cut can last
    // longer than it: the output is held to the cut's length too.
    outputOptions: plan.strategy === 'encode' ? [...plan.outputOptions, '-t', round(trim.length)] : plan.outputOptions,
    expectation: { ...plan.expectation, durationSeconds: trim.length, durationToleranceSeconds: Math.max(frame, plan.expectation.audio.count > 0 ? padding : AUDIO_FRAME_SECONDS) + 0.001, inputDurationSeconds: trim.length },
    notes: [...plan.notes, `Cut from ${formatMoment(trim.from)} to ${formatMoment(trim.from + trim.length)}${plan.strategy === 'remux' ? ', copied from a key frame without re-encoding' : ''}.`],
    durationSeconds: trim.length,
    ...(plan.firstPass ? { firstPass: plan.firstPass } : {}),
  };
}

/**
 * A cut video's input without its subtitle tracks, and the note that says so. ffmpeg reading from `-ss` neither times
 * subtitle packets with the cut (they come out late by the distance to the key frame it seeks to) nor ends them with
 * it (the rest of the film's subtitles come along), so a cut that kept them would be out of step and too long.
 */
export function cutWithoutSubtitles<T extends ProbedInput>(input: T): { input: T; note?: string } {
  const count = input.probe.subtitles.length;
  if (count === 0) return { input };
  return {
    input: { ...input, probe: { ...input.probe, subtitles: [] } },
    note: `Left out ${count === 1 ? 'the subtitle track' : `the ${count} subtitle tracks`}: subtitles cannot be cut in step with the picture. Convert the whole file to keep them.`,
  };
}
