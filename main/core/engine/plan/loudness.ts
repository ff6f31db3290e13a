import { AppError } from '../../errors.js';
import { localInputArgs, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';

/**
 * Loudness normalisation (EBU R128) in two passes: ffmpeg's loudnorm measures each sound track as it will be heard
 * (after its downmix), then one gain brings it to the target, so the music keeps its dynamics. -16 LUFS integrated
 * with peaks at most -1.5 dBTP is what music and podcast platforms play at; a limiter holds the peaks only where
 * one gain would push them past that ceiling.
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
  /** Which track the note speaks of, when the output has more than one (soundTrackLabel.ts). */
  label?: string;
}

/** What loudnorm's first pass reports of a track that the gain needs: its integrated loudness and true peak. */
export interface LoudnessMeasurement {
  integrated: number;
  truePeak: number;
}

const TARGET = `I=${LOUDNESS_TARGET.integrated}:TP=${LOUDNESS_TARGET.truePeak}:LRA=${LOUDNESS_TARGET.range}`;

function downmix(track: LoudnessTrack): string[] {
  return track.downmixTo ? [`aformat=channel_layouts=${track.downmixTo === 1 ? 'mono' : 'stereo'}`] : [];
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

const FIELDS = { integrated: 'input_i', truePeak: 'input_tp' } as const;

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

/**
 * The second pass's filter for a track, back at the track's own sample rate: one gain to the target, as loudnorm's
 * linear mode would apply (exact also for sounds shorter than its 3 s window, which its second pass misjudges), and
 * where that gain would push peaks past the ceiling, a limiter holding them there (a 2.4 s six-channel WAV mixed to
 * stereo peaks at +3.4 dBTP before any gain).
 */
export function gainAndLimiterFilter(track: LoudnessTrack, measured: LoudnessMeasurement): string {
  const gain = LOUDNESS_TARGET.integrated - measured.integrated;
  const limit = measured.truePeak + gain > LOUDNESS_TARGET.truePeak ? [`alimiter=limit=${(10 ** (LOUDNESS_TARGET.truePeak / 20)).toFixed(3)}:level=false`] : [];
  return [...downmix(track), `volume=${gain.toFixed(2)}dB`, ...limit, `aresample=${track.sampleRate}`].join(',');
}

/** The plan with each normalised track's filter, and a note of what changed; a silent track is left as it is. */
export function withLoudness(plan: FfmpegPlan, measured: ReadonlyArray<LoudnessMeasurement | undefined>): FfmpegPlan {
  const filters: string[] = [];
  const notes: string[] = [];
  (plan.loudness ?? []).forEach((track, i) => {
    const m = measured[i];
    const named = track.label ?? 'the sound';
    if (!m) {
      notes.push(`${named[0]!.toUpperCase()}${named.slice(1)} is silent, so its loudness was left as it is.`);
      return;
    }
    filters.push(`-filter:a:${track.outIndex}`, gainAndLimiterFilter(track, m));
    notes.push(`Made ${named} ${LOUDNESS_TARGET.integrated} LUFS loud (EBU R128; it was ${m.integrated.toFixed(1)} LUFS).`);
  });
  return { ...plan, outputOptions: [...plan.outputOptions, ...filters], notes: [...plan.notes, ...new Set(notes)] };
}
