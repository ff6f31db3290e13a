import { AppError } from '../../errors.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';
import { displayedSize, isHdr, type VideoStreamInfo } from '../identify/media.js';
import { formatMegabytes, type ConversionOptions, type Quality } from './conversionOptions.js';
import { toneMapFilters } from './planVideo.js';
import { animationRungs, GIF_CAPS, type GifRung } from './planGif.js';

/** An animated WEBP keeps a GIF's caps (480 px, 15 fps; 64 px and 5 fps at least under a size limit): its frames are lossy, so the same caps make it about half a GIF's size. */
export const ANIMATED_WEBP_CAPS = GIF_CAPS;

const WEBP_QUALITY: Record<Quality, number> = { high: 85, balanced: 75, small: 60 };
/** The RIFF, VP8X and ANIM chunks, and the least an ANMF chunk with a one-colour frame takes. */
const WEBP_HEADER_BYTES = 44;
const WEBP_FRAME_BYTES = 40;

/** Fewer bytes than this cannot hold the clip as an animated WEBP at all. */
export function animatedWebpFloorBytes(durationSeconds: number, fps: number): number {
  return WEBP_HEADER_BYTES + Math.ceil(durationSeconds * fps) * WEBP_FRAME_BYTES;
}

/**
 * The animated WEBPs to try for a video (or its cut), best first: under a size limit the next has fewer frames or a
 * smaller picture. A limit no animation of the clip can meet is refused before any work.
 */
export function planAnimatedWebpConversions(input: ProbedInput, conversion: ConversionOptions): FfmpegPlan[] {
  const video = input.probe.video[0];
  if (!video) throw new AppError('NO_VIDEO_STREAM', 'This file has no video picture, so it cannot become an animated WEBP.');
  const duration = input.probe.durationSeconds;
  if (conversion.maxSizeBytes !== undefined) {
    if (!duration || duration <= 0) {
      throw new AppError('SIZE_UNREACHABLE', 'This file does not say how long it is, so a size limit cannot be planned; convert it without --max-size.');
    }
    const floor = animatedWebpFloorBytes(duration, ANIMATED_WEBP_CAPS.minFps);
    if (conversion.maxSizeBytes < floor) {
      throw new AppError('SIZE_UNREACHABLE', `An animated WEBP of ${Math.round(duration)} s cannot fit in ${formatMegabytes(conversion.maxSizeBytes)}; even at ${ANIMATED_WEBP_CAPS.minFps} frames a second it needs at least ${formatMegabytes(Math.ceil(floor / 1000) * 1000)}.`);
    }
  }
  return animationRungs(video, conversion, ANIMATED_WEBP_CAPS).map((rung) => planAnimatedWebp(input, video, rung, conversion));
}

function planAnimatedWebp(input: ProbedInput, video: VideoStreamInfo, rung: GifRung, conversion: ConversionOptions): FfmpegPlan {
  const duration = input.probe.durationSeconds;
  const picture = [
    ...(isHdr(video) ? toneMapFilters(video.colorTransfer!) : []),
    `fps=${rung.fps}`,
    `scale=${rung.width}:${rung.height}:flags=lanczos`,
    'format=yuv420p',
  ].join(',');
  const shown = displayedSize(video);
  const notes = [`Made an animated WEBP of ${rung.width}x${rung.height} at ${rung.fps} frames a second, without sound.`];
  if (rung.width !== shown.width || rung.height !== shown.height) notes.push(`The video is ${shown.width}x${shown.height}; an animation that large would be slow and heavy.`);
  return {
    inputOptions: input.demuxer === 'avi' ? ['-fflags', '+genpts'] : [],
    outputOptions: [
      '-map', `0:${video.index}`, '-an', '-sn', '-dn', '-vf', picture,
      '-c:v', 'libwebp_anim', '-quality', String(WEBP_QUALITY[conversion.quality]), '-compression_level', '4', '-loop', '0', '-map_metadata', '-1',
    ],
    muxer: 'webp',
    strategy: 'encode',
    expectation: {
      container: 'webp',
      video: { codec: 'webp', evenDimensions: false, width: rung.width, height: rung.height, rotation: 0, sdr: true },
      audio: { count: 0 },
      subtitles: 0,
      durationSeconds: duration,
      durationToleranceSeconds: durationTolerance(duration) + 1 / rung.fps,
      frameSeconds: 1 / rung.fps,
      inputDurationSeconds: duration,
    },
    notes,
    durationSeconds: duration,
    ...(conversion.maxSizeBytes !== undefined ? { sizeTarget: { maxBytes: conversion.maxSizeBytes } } : {}),
  };
}
