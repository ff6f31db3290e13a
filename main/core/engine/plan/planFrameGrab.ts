import { AppError } from '../../errors.js';
import type { FfmpegPlan, ProbedInput } from './ffmpegPlan.js';
import type { FrameGrabTarget } from './frameGrabTargets.js';
import { isHdr, squarePixelSize } from '../identify/media.js';
import type { ConversionOptions, Quality } from './conversionOptions.js';
import { formatMoment } from './moments.js';
import { resizedVideoSize, toneMapFilters } from './planVideo.js';
import { assertPictureOfVideoWithinLimit } from './pictureOfVideoLimit.js';
import { deinterlaceFilters } from './deinterlace.js';


/**
 * Without `--at`, the still is chosen among the frames of a window that starts at a tenth of the clip (past a
 * fade-in or a black first frame, at most 30 s in) and lasts up to 10 s: ffmpeg's `thumbnail` filter keeps the
 * frame closest to the window's average, sampled at 2 frames a second so that a 4K window stays small in memory.
 */
const WINDOW_START_SHARE = 0.1;
const WINDOW_START_MAX_SECONDS = 30;
const WINDOW_SECONDS = 10;
const SAMPLES_PER_SECOND = 2;

const JPEG_QSCALE: Record<Quality, number> = { high: 2, balanced: 3, small: 6 };
const WEBP_QUALITY: Record<Quality, number> = { high: 90, balanced: 80, small: 65 };

const ENCODERS: Record<FrameGrabTarget, { codec: (q: Quality) => string[]; pixelFormat: string; muxer: string }> = {
  jpg: { codec: (q) => ['-c:v', 'mjpeg', '-q:v', String(JPEG_QSCALE[q])], pixelFormat: 'yuvj420p', muxer: 'image2' },
  png: { codec: () => ['-c:v', 'png'], pixelFormat: 'rgb24', muxer: 'image2' },
  webp: { codec: (q) => ['-c:v', 'libwebp', '-quality', String(WEBP_QUALITY[q])], pixelFormat: 'yuv420p', muxer: 'webp' },
};

/** ffmpeg's `thumbnail` filter compares at least two frames (it keeps the one it has when the window holds fewer). */
const MIN_THUMBNAIL_FRAMES = 2;

/**
 * Plans one still from a video: at `--at`, or a representative frame past the start; `fromStart` takes the first
 * picture (a video track that ends before that window, or too early for the sampling to keep any of its frames).
 */
export function planFrameGrab(input: ProbedInput, target: FrameGrabTarget, conversion: ConversionOptions, fromStart = false): FfmpegPlan {
  const video = input.probe.video[0];
  if (!video) throw new AppError('NO_VIDEO_STREAM', `This file has no video picture, so it cannot become ${target.toUpperCase()}.`);
  const duration = input.probe.durationSeconds;
  const at = conversion.at;
  if (at !== undefined && duration !== undefined && at >= duration) {
    throw new AppError('OPTION_UNSUPPORTED', `This video lasts ${formatMoment(duration)}, so it has no picture at ${formatMoment(at)}.`);
  }
  // Sized as shown, in square pixels: a still carries no pixel shape that viewers follow.
  const shown = squarePixelSize(video);
  const resized = resizedVideoSize(shown, conversion.resize);
  const size = resized ?? shown;
  assertPictureOfVideoWithinLimit('the still', shown, size, video.sampleAspectRatio, conversion.resize, (edge) => resizedVideoSize(shown, edge) ?? shown);
  const encoder = ENCODERS[target];
  const filters = [...deinterlaceFilters(video), ...(isHdr(video) ? toneMapFilters(video.colorTransfer!) : [])];
  let seek: number;
  let window: string[] = [];
  let note: string;
  if (at !== undefined) {
    seek = at;
    note = `The picture at ${formatMoment(at)}.`;
  } else if (fromStart) {
    seek = 0;
    note = 'The first picture: the video\'s pictures end early in the file (--at chooses the moment).';
  } else {
    seek = Math.min(WINDOW_START_MAX_SECONDS, (duration ?? 0) * WINDOW_START_SHARE);
    const seconds = duration !== undefined ? Math.min(WINDOW_SECONDS, duration - seek) : WINDOW_SECONDS;
    window = ['-t', String(Math.round(seconds * 1000) / 1000)];
    filters.push(`fps=${SAMPLES_PER_SECOND}`, `thumbnail=n=${Math.max(MIN_THUMBNAIL_FRAMES, Math.ceil(seconds * SAMPLES_PER_SECOND))}`);
    note = `A representative picture from ${formatMoment(Math.round(seek * 10) / 10)} on (--at chooses the moment).`;
  }
  filters.push(`scale=${size.width}:${size.height}:flags=lanczos${target === 'jpg' ? ':out_range=pc' : ''}`, 'setsar=1', `format=${encoder.pixelFormat}`);
  return {
    inputOptions: [...(seek > 0 ? ['-ss', String(Math.round(seek * 1000) / 1000)] : []), ...window],
    outputOptions: [
      '-map', `0:${video.index}`, '-an', '-sn', '-dn', '-vf', filters.join(','), '-frames:v', '1', ...encoder.codec(conversion.quality),
      '-map_metadata', '-1', ...(encoder.muxer === 'image2' ? ['-update', '1'] : []),
    ],
    muxer: encoder.muxer,
    strategy: 'encode',
    expectation: {
      container: target === 'webp' ? 'webp_pipe' : `${target === 'jpg' ? 'jpeg' : 'png'}_pipe`,
      video: { codec: target === 'jpg' ? 'mjpeg' : target, evenDimensions: false, width: size.width, height: size.height, rotation: 0, sdr: true },
      audio: { count: 0 },
      subtitles: 0,
      durationToleranceSeconds: 0,
    },
    notes: [note],
    durationSeconds: undefined,
  };
}
