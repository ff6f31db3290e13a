import { AppError } from '../../errors.js';

/**
 * Which bitrates each lossy sound encoder reaches at which sample rate and channel count, and how a chosen bitrate
 * (`--audio-bitrate`, a preset or a size limit) is met: at the sample rate the output would have when it can, else at
 * a lower one (and, for the lowest bitrates, fewer channels), with a note; refused before any work when nothing
 * reaches it. A bitrate above what the encoder holds is lowered to its most, with a note.
 *
 * The numbers are this ffmpeg's (5.1, Debian 12), found by encoding pink noise with `-ac C -ar R -b:a Nk`:
 * - libvorbis opens only inside a range per rate (outside it ffmpeg says "Error while opening encoder"); no rate
 *   above 50 kHz opens with a bitrate. Three channels or more: the mono range per channel (6 channels at 44.1 kHz
 *   opened from 192k to 1440k).
 * - the native AAC encoder never refuses but writes more than asked below a floor (stereo 8k came out at 25 kbps
 *   at 44.1 kHz, 17 at 22.05 kHz, 11 at 8 kHz on music; mono 8k at 8.3 at 8 kHz): the floor is the lowest asked
 *   rate written within 5 % on both pink noise and music (20 s, two moving tones over pink noise). Above
 *   6144 bits per channel and frame it clamps (ffmpeg's aacenc), 6 bits per sample and channel.
 * - LAME writes only its table's bitrates: MPEG-1 (32-48 kHz) 32-320, MPEG-2 (16-24 kHz) 8-160, MPEG-2.5 (8-12 kHz)
 *   8-64; ffmpeg keeps the rate it is given, so 8k at 44.1 kHz came out at 32 kbps. The rate for a bitrate is
 *   LAME's own (lame.c optimum_bandwidth and optimum_samplefreq; `lame -b 32` resamples 44.1 kHz to 16 kHz).
 * - libopus codes at 48 kHz whatever the input, from 0.5 kbps to 256 kbps a channel (libopusenc.c).
 */
export type LossyAudioCodec = 'mp3' | 'aac' | 'vorbis' | 'opus';

interface Range {
  min: number;
  max: number;
}

/** libvorbis's ranges in kbps, by the lowest rate of each band: [rate, mono, stereo]. */
const VORBIS_RANGES: ReadonlyArray<readonly [number, Range, Range]> = [
  [8000, { min: 8, max: 40 }, { min: 12, max: 84 }],
  [11025, { min: 12, max: 48 }, { min: 16, max: 100 }],
  [16000, { min: 16, max: 100 }, { min: 24, max: 200 }],
  [22050, { min: 16, max: 88 }, { min: 30, max: 180 }],
  [32000, { min: 30, max: 188 }, { min: 36, max: 380 }],
  [44100, { min: 32, max: 240 }, { min: 45, max: 500 }],
];
const VORBIS_TOP_RATE = 50000;

/** The native AAC encoder's floors in kbps, by the lowest rate of each band: [rate, mono, stereo]. */
const AAC_FLOORS: ReadonlyArray<readonly [number, number, number]> = [
  [8000, 8, 12],
  [16000, 12, 16],
  [22050, 12, 20],
  [44100, 16, 24],
];

const MP3_VERSIONS: ReadonlyArray<readonly [number, Range]> = [
  [8000, { min: 8, max: 64 }],
  [16000, { min: 8, max: 160 }],
  [32000, { min: 32, max: 320 }],
];

/** The rates a lower one is chosen from, highest first. */
const RATES = [48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];

function band<T extends readonly [number, ...unknown[]]>(table: ReadonlyArray<T>, rate: number): T | undefined {
  return [...table].reverse().find(([lowest]) => rate >= lowest);
}

/** What the encoder reaches at this rate and channel count (undefined: no bitrate opens). */
export function bitrateRange(codec: LossyAudioCodec, channels: number, rate: number): Range | undefined {
  switch (codec) {
    case 'vorbis': {
      const row = rate > VORBIS_TOP_RATE ? undefined : band(VORBIS_RANGES, rate);
      if (!row) return undefined;
      if (channels === 2) return row[2];
      return { min: row[1].min * channels, max: row[1].max * channels };
    }
    case 'aac': {
      const row = band(AAC_FLOORS, rate) ?? AAC_FLOORS[0]!;
      const min = channels === 2 ? row[2] : row[1] * channels;
      return { min, max: Math.floor((6 * rate * channels) / 1000) };
    }
    case 'mp3': {
      const row = band(MP3_VERSIONS, rate);
      return row ? row[1] : undefined;
    }
    case 'opus':
      return { min: 6, max: 256 * channels };
  }
}

/** LAME's lowpass for a constant bitrate (lame.c optimum_bandwidth: the nearest row), 1.5 times that in mono. */
const LAME_BANDWIDTH: ReadonlyArray<readonly [number, number]> = [
  [8, 2000], [16, 3700], [24, 3900], [32, 5500], [40, 7000], [48, 7500], [56, 10000], [64, 11000],
  [80, 13500], [96, 15100], [112, 15600], [128, 17000], [160, 17500], [192, 18600], [224, 19400], [256, 19700], [320, 20500],
];
/** lame.c optimum_samplefreq: the highest rate whose lowpass bound the bandwidth is under, 44.1 kHz above them all. */
const LAME_RATE_FOR_BANDWIDTH: ReadonlyArray<readonly [number, number]> = [
  [3970, 8000], [4510, 11025], [5420, 12000], [7230, 16000], [9970, 22050], [11220, 24000], [15250, 32000], [15960, 44100],
];

/** The sample rate LAME itself writes a constant bitrate at (`lame -b N`), for a source at 44.1 kHz or more. */
export function lameSampleRate(kbps: number, channels: number): number {
  const nearest = LAME_BANDWIDTH.reduce((best, row) => (Math.abs(row[0] - kbps) < Math.abs(best[0] - kbps) ? row : best));
  const bandwidth = nearest[1] * (channels === 1 ? 1.5 : 1);
  return LAME_RATE_FOR_BANDWIDTH.find(([bound]) => bandwidth <= bound)?.[1] ?? 44100;
}

export interface BitrateFit {
  kbps: number;
  channels: number;
  sampleRate: number;
  notes: string[];
}

function kHz(rate: number): string {
  return `${rate / 1000} kHz`;
}

function fits(codec: LossyAudioCodec, channels: number, rate: number, kbps: number): boolean {
  const range = bitrateRange(codec, channels, rate);
  return range !== undefined && kbps >= range.min && kbps <= range.max;
}

/**
 * How `kbps` is met for sound that would otherwise be written with `channels` at `sampleRate`. `label` names the
 * target in the notes and the refusal (OGG, M4A, the MP4's sound).
 */
export function fitAudioBitrate(codec: LossyAudioCodec, label: string, kbps: number, channels: number, sampleRate: number): BitrateFit {
  if (codec === 'opus') {
    const most = 256 * channels;
    return kbps <= most ? { kbps, channels, sampleRate, notes: [] } : { kbps: most, channels, sampleRate, notes: [`Made the sound at ${most} kbps, the most ${label} holds for ${channelWords(channels)} (${kbps} kbps was asked).`] };
  }
  if (codec === 'mp3') {
    const lame = lameSampleRate(kbps, channels);
    const rate = lame < sampleRate && fits(codec, channels, lame, kbps) ? lame : sampleRate;
    if (fits(codec, channels, rate, kbps)) {
      return { kbps, channels, sampleRate: rate, notes: rate < sampleRate ? [`Lowered the sample rate to ${kHz(rate)}, as LAME does for MP3 at ${kbps} kbps.`] : [] };
    }
  } else if (fits(codec, channels, sampleRate, kbps)) {
    return { kbps, channels, sampleRate, notes: [] };
  }
  const lower = RATES.filter((rate) => rate < sampleRate);
  const channelChoices = [...new Set([channels, Math.min(channels, 2), 1])];
  for (const ch of channelChoices) {
    const rate = [sampleRate, ...lower].find((r) => fits(codec, ch, r, kbps));
    if (rate === undefined) continue;
    const changes = [...(ch < channels ? [`Mixed the sound down to ${channelWords(ch)}`] : []), ...(rate < sampleRate ? [`lowered the sample rate to ${kHz(rate)}`] : [])];
    const said = changes.join(' and ');
    return { kbps, channels: ch, sampleRate: rate, notes: [`${said[0]!.toUpperCase()}${said.slice(1)}: ${label} at ${kbps} kbps needs it.`] };
  }
  const reachable = [sampleRate, ...lower].flatMap((rate) => channelChoices.map((ch) => bitrateRange(codec, ch, rate))).filter((r): r is Range => r !== undefined);
  if (reachable.length === 0) {
    throw new AppError('OPTION_UNSUPPORTED', `${label} at a chosen bitrate needs sound at ${kHz(RATES[RATES.length - 1]!)} or more, and this file's is ${kHz(sampleRate)}; convert it without a bitrate or a size limit.`);
  }
  const highest = Math.max(...reachable.map((r) => r.max));
  if (kbps > highest) {
    const at = [sampleRate, ...lower].find((rate) => bitrateRange(codec, channels, rate)?.max === highest) ?? sampleRate;
    return { kbps: highest, channels, sampleRate: at, notes: [`Made the sound at ${highest} kbps, the most ${label} holds for this sound (${kbps} kbps was asked).`] };
  }
  const lowest = Math.min(...reachable.map((r) => r.min));
  throw new AppError('OPTION_UNSUPPORTED', `${label} cannot be made at ${kbps} kbps from this sound: the lowest bitrate that works is ${lowest} kbps.`);
}

export function channelWords(channels: number): string {
  return channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} channels`;
}
