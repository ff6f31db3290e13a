import { AppError } from '../../errors.js';
import { localInputArgs, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';

/**
 * Float sound (32-bit float WAV, as float field recorders write) may peak above full scale; a format of whole
 * numbers (FLAC) would cut those peaks off, and so does every player of a lossy format (MP3, AAC, Vorbis, Opus),
 * whose encoders keep them. Such a track's peak is measured first (ffmpeg's astats, which reads float as it is:
 * volumedetect works in 16-bit and stops at 0 dBFS) and one gain brings it under full scale.
 */
export const PEAK_CEILING_DB = -0.1;
/**
 * A lossy format's decoded sound overshoots the peak it was given: a sine brought to -0.1 dBFS decoded at +0.7 dBFS
 * from AAC and +0.2 from Vorbis (ffmpeg 5.1); brought to -1 dBFS, at most -0.8 from all four.
 */
export const LOSSY_PEAK_CEILING_DB = -1;

/** PCM codecs that store float samples. */
export function isFloatPcm(codec: string): boolean {
  return /^pcm_f(32|64)/.test(codec);
}

/** A track whose peak is measured before it is written in whole numbers. */
export interface PeakTrack {
  inputIndex: number;
  /** Its index among the output's audio streams (`-filter:a:N`). */
  outIndex: number;
  /** The name the note gives the target (FLAC, MP3). */
  target: string;
  /** A lossy target: its decoder, not its encoder, cuts the peaks off, and it needs more room. */
  lossy: boolean;
  /** Which track the note speaks of, when the output has more than one ("sound track 2 (jpn)"). */
  label?: string;
}

/** The track to measure first when the sound is float and the target cannot keep what lies above full scale. */
export function peakTrackOf(stream: { index: number; codec: string }, target: string, lossy: boolean, outIndex = 0, label?: string): PeakTrack | undefined {
  return isFloatPcm(stream.codec) ? { inputIndex: stream.index, outIndex, target, lossy, ...(label ? { label } : {}) } : undefined;
}

/** The measuring pass: what the plan reads (a cut included), the whole track's peak, nothing written. */
export function peakAnalysisArgs(plan: Pick<FfmpegPlan, 'inputOptions'>, input: Pick<ProbedInput, 'path' | 'demuxer' | 'skipBytes'>, track: PeakTrack): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1',
    ...localInputArgs(input, plan.inputOptions),
    '-map', `0:${track.inputIndex}`, '-vn', '-sn', '-dn',
    '-af', 'astats=measure_perchannel=none:measure_overall=Peak_level',
    '-f', 'null', '-',
  ];
}

/** The overall peak in dBFS that astats logged (-inf for silence). */
export function parsePeakLevel(log: string): number {
  const found = [...log.matchAll(/Peak level dB:\s*(-?inf|-?[\d.]+)/g)].at(-1);
  if (!found) throw new AppError('FFMPEG_FAILED', 'ffmpeg did not report the peak level of the sound.');
  return found[1]!.endsWith('inf') ? -Infinity : Number(found[1]);
}

/**
 * The plan, each float track's peak measured (in `plan.peakTracks`' order), with the gain that keeps the peaks (none
 * for a track within full scale), and a note of each gain.
 */
export function withHeadroom(plan: FfmpegPlan, peaksDb: readonly number[]): FfmpegPlan {
  const { peakTracks: tracks = [], ...measured } = plan;
  const filters: string[] = [];
  const notes: string[] = [];
  tracks.forEach((track, i) => {
    const peakDb = peaksDb[i]!;
    if (!(peakDb > 0)) return;
    const gain = (track.lossy ? LOSSY_PEAK_CEILING_DB : PEAK_CEILING_DB) - peakDb;
    const cut = track.lossy ? `above full scale, and players of ${track.target} would have cut it off there` : `above what ${track.target} holds, and would have been cut off there`;
    filters.push(`-filter:a:${track.outIndex}`, `volume=${gain.toFixed(2)}dB`);
    notes.push(`Lowered the level${track.label ? ` of ${track.label}` : ''} by ${(-gain).toFixed(1)} dB: the float sound peaks at +${peakDb.toFixed(1)} dBFS, ${cut}.`);
  });
  return filters.length === 0 ? measured : { ...measured, outputOptions: [...plan.outputOptions, ...filters], notes: [...plan.notes, ...notes] };
}
