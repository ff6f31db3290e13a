import { AppError } from '../../errors.js';
import { TEXT_SUBTITLE_CODECS, type MediaProbe } from '../identify/media.js';
import { durationTolerance, type ProbedInput } from './ffmpegPlan.js';
import { formatMoment } from './moments.js';
import type { Trim } from './trim.js';

/**
 * What an output keeps of a file: its pictures alone (a GIF, an animated WEBP), its pictures, sound and text
 * subtitles (a video), those and its image subtitles too (an MKV), or its first sound (a sound).
 */
export type Kept = 'pictures' | 'movie' | 'movie and subtitles' | 'sound';

interface Timed {
  durationSeconds?: number | undefined;
  startSeconds?: number;
}

/** The streams an output keeps; a kept subtitle says nothing of its times, so it counts as one whose end is unknown. */
function keptStreams(probe: MediaProbe, kept: Kept): Timed[] {
  if (kept === 'pictures') return probe.video.slice(0, 1);
  if (kept === 'sound') return probe.audio.slice(0, 1);
  const subtitles = kept === 'movie' ? probe.subtitles.filter((s) => TEXT_SUBTITLE_CODECS.has(s.codec)) : probe.subtitles;
  return [...probe.video, ...probe.audio, ...subtitles.map(() => ({}))];
}

/**
 * Where the streams an output keeps end, when every one of them says when it starts and how long it lasts and they
 * end before the file does (an MKV whose pictures stop while its sound or image subtitles go on); undefined otherwise.
 */
function keptEnd(probe: MediaProbe, kept: Kept): number | undefined {
  const file = probe.durationSeconds;
  const streams = keptStreams(probe, kept);
  if (file === undefined || streams.length === 0) return undefined;
  if (streams.some((s) => s.startSeconds === undefined || s.durationSeconds === undefined || s.durationSeconds <= 0)) return undefined;
  const end = Math.max(...streams.map((s) => s.startSeconds! + s.durationSeconds!));
  return end < file ? end : undefined;
}

/** How long the kept streams last, when they end before the file by more than a length check forgives (half a second or 3 %). */
export function keptSpan(probe: MediaProbe, kept: Kept): number | undefined {
  const end = keptEnd(probe, kept);
  const file = probe.durationSeconds;
  return end !== undefined && file !== undefined && file - end > durationTolerance(file) ? end : undefined;
}

/**
 * Whether the probe leaves out when the kept streams start (an MP4 read in this process) while one of them ends so
 * much earlier than the file that it matters: ffprobe's report then says where they end.
 */
export function needsStreamStarts(probe: MediaProbe, kept: Kept): boolean {
  const file = probe.durationSeconds;
  if (file === undefined) return false;
  return keptStreams(probe, kept).some((s) => s.startSeconds === undefined && s.durationSeconds !== undefined && file - s.durationSeconds > durationTolerance(file));
}

/** The input as an output that keeps `kept` sees it: as long as those streams, so that plans and checks count their seconds. */
export function spannedInput<T extends ProbedInput>(input: T, kept: Kept): T {
  const span = keptSpan(input.probe, kept);
  return span === undefined ? input : { ...input, probe: { ...input.probe, durationSeconds: span } };
}

/** A note when the kept streams end before the file: what the output holds, and why it is shorter. */
export function spanNote(probe: MediaProbe, kept: Kept): string[] {
  const span = keptSpan(probe, kept);
  const file = probe.durationSeconds;
  if (span === undefined || file === undefined) return [];
  const what = kept === 'pictures' ? 'pictures end' : 'pictures and sound end';
  return [`The video's ${what} at ${formatMoment(span)} while the file goes on to ${formatMoment(file)}; the output holds the first ${formatMoment(span)}.`];
}

/**
 * A cut held to the kept streams: one that starts where the pictures (or, for a sound, the sound) have ended is
 * refused; one that runs past the kept streams' end stops there; a sound's cut starts no earlier than the sound.
 */
export function trimWithinSpan(trim: Trim, probe: MediaProbe, kept: Kept): Trim {
  const end = keptEnd(probe, kept);
  if (kept === 'sound') {
    if (end !== undefined && trim.from >= end) throw new AppError('OPTION_UNSUPPORTED', `This file's sound ends at ${formatMoment(end)}, so a cut from ${formatMoment(trim.from)} would hold no sound.`);
    const start = probe.audio[0]?.startSeconds ?? 0;
    if (start > trim.from) {
      const until = trim.from + trim.length;
      if (until <= start) throw new AppError('OPTION_UNSUPPORTED', `This file's sound starts at ${formatMoment(start)}, so a cut until ${formatMoment(until)} would hold no sound.`);
      return { from: start, length: Math.min(until, end ?? until) - start };
    }
  } else {
    const pictures = keptEnd(probe, 'pictures');
    if (pictures !== undefined && trim.from >= pictures) {
      const sound = probe.audio.length > 0 ? '; convert it to a sound format to keep only its sound' : '';
      throw new AppError('OPTION_UNSUPPORTED', `This video's pictures end at ${formatMoment(pictures)}, so a cut from ${formatMoment(trim.from)} would hold no picture${sound}.`);
    }
  }
  return end === undefined ? trim : { from: trim.from, length: Math.min(trim.length, end - trim.from) };
}

/**
 * The part of the file a sound output keeps when no cut was asked: from where its sound starts, when that is later
 * than the file's start by more than a length check forgives (sound that joins a video 2 s in); undefined otherwise.
 */
export function lateSound(probe: MediaProbe): Trim | undefined {
  const start = probe.audio[0]?.startSeconds;
  const file = probe.durationSeconds;
  if (start === undefined || file === undefined || start <= durationTolerance(file)) return undefined;
  return trimWithinSpan({ from: 0, length: file }, probe, 'sound');
}

/** A video's input for a cut without the sound tracks that hold nothing of it (sound that starts after the cut ends, or ends before it starts). */
export function withoutSilentSound<T extends ProbedInput>(input: T, trim: Trim): T {
  const heard = input.probe.audio.filter((s) => s.startSeconds === undefined || s.durationSeconds === undefined
    || (s.startSeconds < trim.from + trim.length && s.startSeconds + s.durationSeconds > trim.from));
  return heard.length === input.probe.audio.length ? input : { ...input, probe: { ...input.probe, audio: heard } };
}
