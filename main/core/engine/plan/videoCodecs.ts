import { AppError } from '../../errors.js';
import { isHdr, type VideoStreamInfo } from '../identify/media.js';
import type { Quality, Speed, VideoCodec } from './conversionOptions.js';

/**
 * The encoders and their settings per quality and speed, chosen by measurement (docs/VIDEO_SETTINGS.md): each
 * speed's CRF is set so that a quality looks the same at every speed; a slower speed makes the file smaller.
 */

/** The encoder names `ffmpeg -encoders` lists; what a planner may use beyond libx264, libvpx-vp9 and mpeg4. */
export type EncoderNames = ReadonlySet<string>;

/** The picture codec of an output as ffprobe names it. */
export type OutputVideoCodec = 'h264' | 'hevc' | 'av1';

export const X264_PRESET: Record<Speed, string> = { fast: 'veryfast', balanced: 'medium', thorough: 'slow' };
/** veryfast needs a CRF 3 lower to reach medium's SSIM; slow reaches it at the same CRF with about 10 % fewer bits. */
const X264_CRF: Record<Speed, Record<Quality, number>> = {
  fast: { high: 17, balanced: 20, small: 23 },
  balanced: { high: 20, balanced: 23, small: 26 },
  thorough: { high: 20, balanced: 23, small: 26 },
};

/**
 * high is slow at the balanced speed: with 5 B-frames it writes 4-29 % fewer bytes than HandBrake's HQ preset (x264 slow
 * RF 20) at a higher SSIM, where medium was 6 % larger on one clip; slower gained nothing there.
 */
const X264_HIGH_PRESET: Record<Speed, string> = { fast: 'veryfast', balanced: 'slow', thorough: 'slow' };
/** Up to 5 B-frames in a row where x264's adaptive choice (medium and slower) finds them worth it: 1-21 % fewer bytes at a higher SSIM. */
const X264_B_FRAMES = 5;

/** x264 at a speed's preset and the CRF that keeps the quality's look at that preset. */
export function x264Args(quality: Quality, speed: Speed): string[] {
  const preset = quality === 'high' ? X264_HIGH_PRESET[speed] : X264_PRESET[speed];
  const bFrames = speed === 'fast' ? [] : ['-bf', String(X264_B_FRAMES)];
  return ['-c:v', 'libx264', '-preset', preset, '-crf', String(X264_CRF[speed][quality]), ...bFrames, '-profile:v', 'high'];
}

export const X265_PRESET: Record<Speed, string> = { fast: 'veryfast', balanced: 'medium', thorough: 'slow' };
/** x265 medium at x264's CRF + 4 kept 36 % of the bits but lost about two x264 CRF steps of SSIM: + 2 keeps the look. */
const X265_CRF_OVER_X264 = 2;

/** x265 in 8-bit Main, quiet on stderr (it prints its own banner otherwise). */
export function x265Args(quality: Quality, speed: Speed): string[] {
  return [
    '-c:v', 'libx265', '-preset', X265_PRESET[speed], '-crf', String(X264_CRF[speed][quality] + X265_CRF_OVER_X264),
    '-profile:v', 'main', '-x265-params', 'log-level=error',
  ];
}

const SVT_AV1_PRESET: Record<Speed, number> = { fast: 10, balanced: 8, thorough: 6 };
const LIBAOM_CPU_USED: Record<Speed, number> = { fast: 8, balanced: 6, thorough: 4 };
const AV1_CRF: Record<Quality, number> = { high: 28, balanced: 32, small: 38 };

/** The AV1 encoder this ffmpeg has, SVT-AV1 first (many times faster than libaom at the same size); undefined when it has none. */
export function av1EncoderOf(encoders: EncoderNames | undefined): 'libsvtav1' | 'libaom-av1' | undefined {
  if (!encoders || encoders.has('libsvtav1')) return 'libsvtav1';
  return encoders.has('libaom-av1') ? 'libaom-av1' : undefined;
}

function av1Args(encoder: 'libsvtav1' | 'libaom-av1', quality: Quality, speed: Speed): string[] {
  return encoder === 'libsvtav1'
    ? ['-c:v', 'libsvtav1', '-preset', String(SVT_AV1_PRESET[speed]), '-crf', String(AV1_CRF[quality])]
    : ['-c:v', 'libaom-av1', '-cpu-used', String(LIBAOM_CPU_USED[speed]), '-row-mt', '1', '-crf', String(AV1_CRF[quality]), '-b:v', '0'];
}

const VP9_CRF: Record<Quality, number> = { high: 28, balanced: 32, small: 38 };
/** The good deadline stops getting faster above cpu-used 5; fast is the realtime deadline (0.4x the CPU, larger files). */
export const VP9_SPEED: Record<Speed, { deadline: string; cpuUsed: number }> = {
  fast: { deadline: 'realtime', cpuUsed: 7 },
  balanced: { deadline: 'good', cpuUsed: 5 },
  thorough: { deadline: 'good', cpuUsed: 2 },
};

/** VP9 with row multithreading (libvpx already splits the picture into as many tile columns as it may). */
export function vp9Args(quality: Quality, speed: Speed): string[] {
  const { deadline, cpuUsed } = VP9_SPEED[speed];
  return ['-c:v', 'libvpx-vp9', '-crf', String(VP9_CRF[quality]), '-b:v', '0', '-deadline', deadline, '-cpu-used', String(cpuUsed), '-row-mt', '1'];
}

const MPEG4_Q: Record<Quality, number> = { high: 2, balanced: 3, small: 6 };
export const MPEG4_DECISION: Record<Speed, string[]> = { fast: [], balanced: ['-mbd', 'bits'], thorough: ['-mbd', 'rd', '-trellis', '1', '-cmp', '2', '-subcmp', '2'] };

/** MPEG-4 Part 2 (Xvid-compatible) for AVI; a slower speed spends more effort on each macroblock. */
export function mpeg4Args(quality: Quality, speed: Speed): string[] {
  return ['-c:v', 'mpeg4', '-q:v', String(MPEG4_Q[quality]), ...MPEG4_DECISION[speed], '-tag:v', 'XVID'];
}

/** How a picture codec chosen with `--codec` is encoded, copied and tagged in an MP4, MOV or MKV. */
export interface CodecChoice {
  codec: OutputVideoCodec;
  encoder: (quality: Quality, speed: Speed) => string[];
  /** A stream that may be copied as it is into this container. */
  canCopy: (stream: VideoStreamInfo) => boolean;
  /** Options for the picture whether copied or encoded (Apple devices play HEVC in MP4 and MOV only when tagged hvc1). */
  tag: string[];
}

const even = (n: number) => n % 2 === 0;
const plainPicture = (s: VideoStreamInfo) => s.pixelFormat === 'yuv420p' && even(s.width) && even(s.height) && !isHdr(s);

/** The codec choice for H.265 or AV1; refused with a sentence naming what this ffmpeg lacks. */
export function codecChoice(codec: Exclude<VideoCodec, 'h264'>, container: 'mp4' | 'mov' | 'mkv', encoders: EncoderNames | undefined): CodecChoice {
  const appleTag = container === 'mkv' ? [] : ['-tag:v', 'hvc1'];
  if (codec === 'h265') {
    if (encoders && !encoders.has('libx265')) {
      throw new AppError('OPTION_UNSUPPORTED', 'This copy of ffmpeg has no H.265 encoder (libx265), so it cannot make H.265 video; choose H.264 instead.');
    }
    return {
      codec: 'hevc', encoder: x265Args, tag: appleTag,
      canCopy: (s) => s.codec === 'hevc' && (container === 'mkv' ? even(s.width) && even(s.height) : s.profile === 'Main' && plainPicture(s)),
    };
  }
  const encoder = av1EncoderOf(encoders);
  if (!encoder) {
    throw new AppError('OPTION_UNSUPPORTED', 'This copy of ffmpeg has no AV1 encoder (libsvtav1 or libaom-av1), so it cannot make AV1 video; choose H.265 or H.264 instead.');
  }
  return {
    codec: 'av1', encoder: (q, s) => av1Args(encoder, q, s), tag: [],
    canCopy: (s) => s.codec === 'av1' && (container === 'mkv' ? even(s.width) && even(s.height) : plainPicture(s)),
  };
}
