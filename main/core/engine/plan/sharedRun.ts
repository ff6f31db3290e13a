import { localInputArgs, outputArgs, RUN_PREAMBLE, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';

/**
 * Short sounds are converted several to one ffmpeg process: a Debian ffmpeg spends about 60 ms of CPU starting
 * (loading its libraries) and 45 ms turning a 10 s clip into an MP3, so four clips in one process take half
 * the CPU of four processes, with byte-identical outputs.
 */
export const SHARED_RUN_SIZE = 4;

/** What a job that shares a process counts against its lane: its process, one core, is shared by its members. */
export const SHARED_RUN_LOAD = 1 / SHARED_RUN_SIZE;

/** Sound up to this long shares a process; longer, ffmpeg's start is a small part of its cost and a member would wait long. */
export const SHARED_RUN_MAX_SECONDS = 120;

/**
 * A job for a sound target whose input is at most this large is admitted as a member of a shared run, before its
 * input is read; one that then cannot share (long, two passes, loudness) counts as a whole job again.
 */
export const SHARED_RUN_LIKELY_MAX_BYTES = 32 * 2 ** 20;

/** One conversion's part of a shared run: how its input is opened and what its output is. */
export interface SharedRunMember {
  /** Input options and `-i` (localInputArgs). */
  input: string[];
  /** Output options, muxer and file, with input 0 meaning this member's input. */
  output: string[];
  /** The file the member writes, removed before it runs again alone. */
  outputPath: string;
  /** Seconds of sound it converts: its part of the shared run. */
  seconds: number;
}

/** Options that name an input by its index in their value (`-map 0:1`, `-map_metadata 0`, `-map_chapters 0`). */
const NAMES_INPUT = /^-map(_metadata|_chapters)?(:|$)/;

/** Options whose filter graph could name any input: a plan with them runs alone. */
const GRAPH_OPTIONS = new Set(['-filter_complex', '-lavfi', '-filter_complex_script']);

/**
 * The plan as a member of a shared run, or undefined when it runs alone: a single-pass conversion of a short
 * sound into sound alone, with nothing measured first and no size to meet.
 */
export function sharedRunMember(plan: FfmpegPlan, input: Pick<ProbedInput, 'path' | 'demuxer' | 'skipBytes'>, outputPath: string): SharedRunMember | undefined {
  if (plan.expectation.video !== undefined || plan.firstPass !== undefined || (plan.loudness?.length ?? 0) > 0 || (plan.peakTracks?.length ?? 0) > 0 || plan.sizeTarget !== undefined) return undefined;
  if (plan.durationSeconds === undefined || plan.durationSeconds > SHARED_RUN_MAX_SECONDS) return undefined;
  // Without a -map, ffmpeg would choose the output's streams among every input of the run.
  if (plan.outputOptions.some((option) => GRAPH_OPTIONS.has(option)) || !plan.outputOptions.includes('-map')) return undefined;
  return { input: localInputArgs(input, plan.inputOptions), output: outputArgs(plan, outputPath), outputPath, seconds: plan.durationSeconds };
}

/** One member's run on its own: the same arguments `buildFfmpegArgs` gives its plan. */
export function soloRunArgs(member: SharedRunMember): string[] {
  return [...RUN_PREAMBLE, ...member.input, ...member.output];
}

/**
 * The members whose input ffmpeg reported damage for in a shared run's log ("Error while decoding stream #2:0"): ffmpeg
 * weighs decoding errors over the whole process (-max_error_rate), so such a file must run alone to be judged alone.
 */
export function membersWithDecodeErrors(log: string): Set<number> {
  return new Set([...log.matchAll(/Error while decoding stream #(\d+):/g)].map((match) => Number(match[1])));
}

/** One ffmpeg run of every member: all inputs, then each output, reading its own input. */
export function sharedRunArgs(members: readonly SharedRunMember[]): string[] {
  return [...RUN_PREAMBLE, ...members.flatMap((m) => m.input), ...members.flatMap((m, index) => readingInput(m.output, index))];
}

/**
 * Output options with input 0 renamed to `index` wherever an option names an input. ffmpeg copies metadata and
 * chapters to every output from the first input that has them unless told otherwise: each output is told to take
 * its own input's, as it does by default when it runs alone.
 */
function readingInput(output: readonly string[], index: number): string[] {
  const renamed = output.map((value, i) => (i > 0 && NAMES_INPUT.test(output[i - 1]!) && /^0(:|$)/.test(value) ? `${index}${value.slice(1)}` : value));
  const own = (option: string) => (output.includes(option) ? [] : [option, String(index)]);
  return [...own('-map_metadata'), ...own('-map_chapters'), ...renamed];
}
