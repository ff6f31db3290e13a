import { AppError } from '../../errors.js';
import { localInputArgs, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';

/**
 * Loudness normalisation (EBU R128, ffmpeg's loudnorm in two passes): the first pass measures each sound track,
 * the second applies one gain computed from that measurement (`linear=true`), so the music keeps its dynamics.
 * -16 LUFS integrated with peaks at most -1.5 dBTP is what music and podcast platforms play at; loudnorm falls
 * back to its dynamic mode only where one gain would push peaks past that ceiling.
 */
export const LOUDNESS_TARGET = { integrated: -16, truePeak: -1.5, range: 11 } as const;

/** A sound track the plan normalises: where it is in the input and in the output, and what it must come out as. */
export interface LoudnessTrack {
  inputIndex: number;
  /** Its index among the output's audio streams (`-filter:a:N`). */
  outIndex: number;
  /** The sample rate it keeps (loudnorm itself works, and would write, at 192 kHz). */
  sampleRate: number;
  /** The channels it is mixed down to first, when fewer than it has (measured as it will be heard). */
  downmixTo?: 1 | 2;
}

/** What loudnorm's first pass reports of a track. */
export interface LoudnessMeasurement {
  integrated: number;
  truePeak: number;
  range: number;
  threshold: number;
  offset: number;
}

const TARGET = `I=${LOUDNESS_TARGET.integrated}:TP=${LOUDNESS_TARGET.truePeak}:LRA=${LOUDNESS_TARGET.range}`;

function downmix(track: LoudnessTrack): string[] {
  return track.downmixTo ? [`aresample=ocl=${track.downmixTo === 1 ? 'mono' : 'stereo'}`] : [];
}

/** The first pass over one track: what the plan reads (a cut included), measured, nothing written. */
export function loudnessAnalysisArgs(plan: Pick<FfmpegPlan, 'inputOptions'>, input: Pick<ProbedInput, 'path' | 'demuxer' | 'skipBytes'>, track: LoudnessTrack): string[] {
  return [
    // loudnorm prints its measurement at the info level.
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1',
    ...localInputArgs(input, plan.inputOptions),
    '-map', `0:${track.inputIndex}`, '-vn', '-sn', '-dn',
    '-af', [...downmix(track), `loudnorm=${TARGET}:print_format=json`].join(','),
    '-f', 'null', '-',
  ];
}

const FIELDS = { integrated: 'input_i', truePeak: 'input_tp', range: 'input_lra', threshold: 'input_thresh', offset: 'target_offset' } as const;

/**
 * The measurement in loudnorm's JSON (the last `{...}` of its log); undefined for silence, whose loudness is
 * -inf and cannot be raised to any level.
 */
export function parseLoudnorm(log: string): LoudnessMeasurement | undefined {
  const start = log.lastIndexOf('{');
  const end = log.indexOf('}', start);
  if (start < 0 || end < 0) throw new AppError('FFMPEG_FAILED', 'ffmpeg did not report the loudness of the sound.');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(log.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    throw new AppError('FFMPEG_FAILED', 'ffmpeg reported the loudness of the sound in a form Convertr does not read.');
  }
  const values = Object.fromEntries(Object.entries(FIELDS).map(([key, field]) => [key, Number(json[field])])) as unknown as LoudnessMeasurement;
  if (!Number.isFinite(values.integrated) || values.integrated < -99) return undefined;
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new AppError('FFMPEG_FAILED', `ffmpeg reported no ${FIELDS[key as keyof typeof FIELDS]} for the sound.`);
  }
  return values;
}

/** The second pass's filter for a track: the measured values fed back, one gain, back to the track's own sample rate. */
export function loudnormFilter(track: LoudnessTrack, measured: LoudnessMeasurement): string {
  const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value)).toFixed(2);
  const loudnorm = `loudnorm=${TARGET}:measured_I=${clamp(measured.integrated, -99, 0)}:measured_TP=${clamp(measured.truePeak, -99, 99)}`
    + `:measured_LRA=${clamp(measured.range, 0, 99)}:measured_thresh=${clamp(measured.threshold, -99, 0)}:offset=${clamp(measured.offset, -99, 99)}:linear=true`;
  return [...downmix(track), loudnorm, `aresample=${track.sampleRate}`].join(',');
}

/** The plan with each normalised track's filter, and a note of what changed; a silent track is left as it is. */
export function withLoudness(plan: FfmpegPlan, measured: ReadonlyArray<LoudnessMeasurement | undefined>): FfmpegPlan {
  const filters: string[] = [];
  const notes: string[] = [];
  (plan.loudness ?? []).forEach((track, i) => {
    const m = measured[i];
    if (!m) {
      notes.push('The sound is silent, so its loudness was left as it is.');
      return;
    }
    filters.push(`-filter:a:${track.outIndex}`, loudnormFilter(track, m));
    notes.push(`Made the sound ${LOUDNESS_TARGET.integrated} LUFS loud (EBU R128; it was ${m.integrated.toFixed(1)} LUFS).`);
  });
  return { ...plan, outputOptions: [...plan.outputOptions, ...filters], notes: [...plan.notes, ...new Set(notes)] };
}
