import type { Speed } from './conversionOptions.js';
import { MPEG4_DECISION, VP9_SPEED, X264_PRESET, X265_PRESET, type OutputVideoCodec } from './videoCodecs.js';

/**
 * The encoders of a size limit: an average bitrate in two passes, at the preset `--speed` names (medium by
 * default). Two passes spend a fixed number of bits, so the preset alone decides the picture they buy.
 */

/** One pass of two, and the file whose statistics the first writes and the second reads. */
export interface EncodePass {
  pass: 1 | 2;
  statsFile: string;
}

export interface BitrateEncoder {
  /** The picture's encoder options at `kbps`; with `pass`, that pass of a two-pass encode. */
  args(kbps: number, speed: Speed, pass?: EncodePass): string[];
  /** Whether the encoder can keep its statistics in this file. */
  canKeepStatsIn(statsFile: string): boolean;
}

/** ffmpeg's own two-pass options, which libx264, libvpx and mpeg4 honour. */
function ffmpegPass(pass: EncodePass | undefined): string[] {
  return pass ? ['-pass', String(pass.pass), '-passlogfile', pass.statsFile] : [];
}

const anyFile = () => true;

/** H.264 (MP4, MOV, MKV). */
export const X264_AT_BITRATE: BitrateEncoder = {
  args: (kbps, speed, pass) => ['-c:v', 'libx264', '-preset', X264_PRESET[speed], '-b:v', `${kbps}k`, '-profile:v', 'high', ...ffmpegPass(pass)],
  canKeepStatsIn: anyFile,
};

/**
 * H.265: this ffmpeg's libx265 ignores `-pass`, so the passes are x265's own parameters, in a `:`-separated list
 * that has no escape for a file name holding `:` or `=` (such a job encodes in one pass).
 */
export const X265_AT_BITRATE: BitrateEncoder = {
  args: (kbps, speed, pass) => [
    '-c:v', 'libx265', '-preset', X265_PRESET[speed], '-b:v', `${kbps}k`, '-profile:v', 'main',
    '-x265-params', ['log-level=error', ...(pass ? [`pass=${pass.pass}`, `stats=${pass.statsFile}`] : [])].join(':'),
  ],
  canKeepStatsIn: (statsFile) => !/[:=]/.test(statsFile),
};

/** VP9 (WEBM). libvpx's realtime deadline has no two-pass mode, so `fast` takes the good deadline as `balanced` does. */
export const VP9_AT_BITRATE: BitrateEncoder = {
  args: (kbps, speed, pass) => {
    const { deadline, cpuUsed } = VP9_SPEED[speed === 'fast' ? 'balanced' : speed];
    return ['-c:v', 'libvpx-vp9', '-b:v', `${kbps}k`, '-deadline', deadline, '-cpu-used', String(cpuUsed), '-row-mt', '1', ...ffmpegPass(pass)];
  },
  canKeepStatsIn: anyFile,
};

/** MPEG-4 Part 2 (AVI). */
export const MPEG4_AT_BITRATE: BitrateEncoder = {
  args: (kbps, speed, pass) => ['-c:v', 'mpeg4', '-b:v', `${kbps}k`, ...MPEG4_DECISION[speed], '-tag:v', 'XVID', ...ffmpegPass(pass)],
  canKeepStatsIn: anyFile,
};

/** The two-pass encoder of each codec `--codec` may choose; AV1 has none (ffmpeg's SVT-AV1 encodes in one pass only). */
export const CODEC_AT_BITRATE: Partial<Record<OutputVideoCodec, BitrateEncoder>> = { h264: X264_AT_BITRATE, hevc: X265_AT_BITRATE };
