import type { InputFormat } from '../../formats.js';
import type { MediaProbe } from '../identify/media.js';
import type { SizeTarget } from './sizeBudget.js';
import type { LoudnessTrack } from './loudness.js';
import type { PeakTrack } from './peakHeadroom.js';

/** A probed input: where it is, what it really is and how ffmpeg must open it. */
export interface ProbedInput {
  path: string;
  format: InputFormat;
  /** The one demuxer ffmpeg may use for this file. */
  demuxer: string;
  /** Bytes of junk before the real stream starts (see findMp3Start). */
  skipBytes?: number;
  probe: MediaProbe;
}

export interface ExpectedVideo {
  codec: string;
  pixelFormat?: string;
  /** Limited (TV) range, which is what players assume; a full-range flag makes them show washed-out or crushed colours. */
  limitedRange?: boolean;
  evenDimensions: boolean;
  width: number;
  height: number;
  rotation: number;
  sdr: boolean;
}

export interface ExpectedAudio {
  count: number;
  codec?: string;
  maxChannels?: number;
  maxSampleRate?: number;
}

/** What a correct output of a plan must look like when probed. */
export interface OutputExpectation {
  /** A name that appears in ffprobe's format_name for the output. */
  container: string;
  video?: ExpectedVideo;
  audio: ExpectedAudio;
  subtitles: number;
  durationSeconds?: number;
  /** Allowed difference to durationSeconds. */
  durationToleranceSeconds: number;
  /** How long one output frame lasts, when the plan sets the frame rate (a GIF): a cut is held to it. */
  frameSeconds?: number;
  /** The input's length as probed; an output shorter than half of it is a sliver and fails, whatever else was expected. */
  inputDurationSeconds?: number;
}

export type StreamAction = 'copy' | 'encode';

export interface FfmpegPlan {
  inputOptions: string[];
  outputOptions: string[];
  /** ffmpeg's muxer name for the output (`-f`). */
  muxer: string;
  /** Copy when every kept stream is copied: lossless and fast. */
  strategy: 'remux' | 'encode';
  expectation: OutputExpectation;
  /** Things the user should know about the result (dropped image subtitles, downmix, tone-mapping). */
  notes: string[];
  /** Seconds of media ffmpeg will produce, for progress. */
  durationSeconds: number | undefined;
  /** The size the output must have (a size limit), checked after writing. */
  sizeTarget?: SizeTarget;
  /** Output options of an analysis pass run before this plan (two-pass encoding to a size); it writes no file. */
  firstPass?: string[];
  /** Sound tracks to measure before this plan runs and normalise in it (loudness.ts); their filters are added then. */
  loudness?: LoudnessTrack[];
  /** Float tracks whose peaks are measured before this plan writes them in whole numbers or lossy, and lowered to fit (peakHeadroom.ts). */
  peakTracks?: PeakTrack[];
}

type PlannedInput = Pick<ProbedInput, 'path' | 'demuxer' | 'skipBytes'>;

/** How any ffmpeg run opens an input: only the sniffed demuxer, on a local file, nothing it could name elsewhere. */
export function localInputArgs(input: PlannedInput, inputOptions: readonly string[] = []): string[] {
  return [
    '-protocol_whitelist', 'file',
    ...(input.skipBytes ? ['-skip_initial_bytes', String(input.skipBytes)] : []),
    ...inputOptions,
    '-f', input.demuxer,
    '-i', `file:${input.path}`,
  ];
}

/** What every run of ours asks of ffmpeg before its inputs: no keyboard, quiet but for warnings, progress on stdout. */
export const RUN_PREAMBLE: readonly string[] = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];

/** Everything before the outputs: the preamble, then the input as `localInputArgs` opens it. */
function inputArgs(plan: FfmpegPlan, input: PlannedInput): string[] {
  return [...RUN_PREAMBLE, ...localInputArgs(input, plan.inputOptions)];
}

/** What follows the input: the output's options, its muxer and its file (never replacing one that exists). */
export function outputArgs(plan: FfmpegPlan, outputPath: string): string[] {
  return [...plan.outputOptions, '-f', plan.muxer, '-n', `file:${outputPath}`];
}

/** The full argument array for one ffmpeg run. */
export function buildFfmpegArgs(plan: FfmpegPlan, input: PlannedInput, outputPath: string): string[] {
  return [...inputArgs(plan, input), ...outputArgs(plan, outputPath)];
}

/** The analysis pass of a two-pass encode: same input, statistics only, no output file. */
export function buildFirstPassArgs(plan: FfmpegPlan, input: PlannedInput): string[] {
  return [...inputArgs(plan, input), ...(plan.firstPass ?? []), '-f', 'null', '-'];
}

/** Tolerance for "same duration": half a second or 3 %, whichever is larger. */
export function durationTolerance(seconds: number | undefined): number {
  return Math.max(0.5, (seconds ?? 0) * 0.03);
}
