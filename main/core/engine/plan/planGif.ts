import { AppError } from '../../errors.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';
import { isHdr, squarePixelSize, type VideoStreamInfo } from '../identify/media.js';
import { formatMegabytes, type ConversionOptions } from './conversionOptions.js';
import { toneMapFilters } from './planVideo.js';
import { assertPictureOfVideoWithinLimit } from './pictureOfVideoLimit.js';
import { deinterlaceFilters } from './deinterlace.js';

/** A GIF is a picture per frame with 256 colours: past these it grows large and slow to show, so they cap it unless `--resize` asks otherwise. */
export const GIF_MAX_EDGE = 480;
export const GIF_MAX_FPS = 15;
/** The smallest picture and frame rate a size limit may step down to: below them a GIF no longer shows what the clip showed. */
export const GIF_MIN_EDGE = 64;
export const GIF_MIN_FPS = 5;
/** What a GIF holds besides its frames (header, palette, loop block), and what each frame costs at the very least. */
const GIF_HEADER_BYTES = 800;
const GIF_FRAME_BYTES = 24;

/** One attempt at a GIF: its picture size and frames per second. */
export interface GifRung {
  width: number;
  height: number;
  fps: number;
}

/** The picture size for a longest edge of `edge`, aspect kept; the picture itself when already that small (never upscaled). */
export function gifSize(shown: { width: number; height: number }, edge: number): { width: number; height: number } {
  const longest = Math.max(shown.width, shown.height);
  if (longest <= edge) return shown;
  const scale = edge / longest;
  return { width: Math.max(1, Math.round(shown.width * scale)), height: Math.max(1, Math.round(shown.height * scale)) };
}

/** The largest picture and frame rate of an animation, and the smallest a size limit may step down to. */
export interface AnimationCaps {
  maxEdge: number;
  maxFps: number;
  minEdge: number;
  minFps: number;
}

export const GIF_CAPS: AnimationCaps = { maxEdge: GIF_MAX_EDGE, maxFps: GIF_MAX_FPS, minEdge: GIF_MIN_EDGE, minFps: GIF_MIN_FPS };

/**
 * The attempts an animation is made with, best first, sized from the picture as shown in square pixels (a 16:9
 * DVD's 720x576 is 1024x576): the capped size and frame rate, then, under a size limit,
 * fewer frames (10 fps), smaller pictures, fewer frames again (down to the least frame rate), smaller pictures again
 * (down to the least edge).
 */
export function animationRungs(video: Pick<VideoStreamInfo, 'width' | 'height' | 'rotation' | 'sampleAspectRatio' | 'frameRate'>, conversion: Pick<ConversionOptions, 'resize' | 'maxSizeBytes'>, caps: AnimationCaps): GifRung[] {
  const shown = squarePixelSize(video);
  let edge = Math.min(conversion.resize ?? caps.maxEdge, Math.max(shown.width, shown.height));
  let fps = Math.min(caps.maxFps, video.frameRate && video.frameRate > 0 ? video.frameRate : caps.maxFps);
  const rung = () => ({ ...gifSize(shown, edge), fps: Math.round(fps * 1000) / 1000 });
  const rungs = [rung()];
  if (conversion.maxSizeBytes === undefined) return rungs;
  const step = (next: () => boolean) => {
    while (next()) rungs.push(rung());
  };
  step(() => fps > 10 ? (fps = 10, true) : false);
  step(() => edge > 160 ? (edge = Math.max(160, Math.round(edge * 0.75)), true) : false);
  step(() => fps > caps.minFps ? (fps = caps.minFps, true) : false);
  step(() => edge > caps.minEdge ? (edge = Math.max(caps.minEdge, Math.round(edge * 0.75)), true) : false);
  return rungs;
}

/** The attempts a GIF is made with, best first (480 px and 15 fps at most, down to 64 px and 5 fps under a size limit). */
export function gifRungs(video: Pick<VideoStreamInfo, 'width' | 'height' | 'rotation' | 'sampleAspectRatio' | 'frameRate'>, conversion: Pick<ConversionOptions, 'resize' | 'maxSizeBytes'>): GifRung[] {
  return animationRungs(video, conversion, GIF_CAPS);
}

/** Fewer bytes than this cannot hold the clip as a GIF at all, whatever its pictures show. */
export function gifFloorBytes(durationSeconds: number, fps: number): number {
  return GIF_HEADER_BYTES + Math.ceil(durationSeconds * fps) * GIF_FRAME_BYTES;
}

/** How one kind of animation differs from another: its name in messages, its container and codec, its smallest file, its encoder. */
export interface AnimationKind {
  /** "GIF", "animated WEBP", after its article. */
  name: string;
  article: 'a' | 'an';
  container: string;
  caps: AnimationCaps;
  floorBytes: (durationSeconds: number, fps: number) => number;
  /** The output options for the frames once `pictureFilters` (tone map, frame rate, scale) made them. */
  outputOptions: (video: VideoStreamInfo, pictureFilters: string[], conversion: ConversionOptions) => string[];
}

/** The animations to try for a video (or its cut), best first; a size limit no animation of the clip can meet is refused before any work. */
export function planAnimations(input: ProbedInput, conversion: ConversionOptions, kind: AnimationKind): FfmpegPlan[] {
  const video = input.probe.video[0];
  if (!video) throw new AppError('NO_VIDEO_STREAM', `This file has no video picture, so it cannot become ${kind.article} ${kind.name}.`);
  const duration = input.probe.durationSeconds;
  if (conversion.maxSizeBytes !== undefined) {
    if (!duration || duration <= 0) {
      throw new AppError('SIZE_UNREACHABLE', 'This file does not say how long it is, so a size limit cannot be planned; convert it without --max-size.');
    }
    const floor = kind.floorBytes(duration, kind.caps.minFps);
    if (conversion.maxSizeBytes < floor) {
      const what = `${kind.article === 'a' ? 'A' : 'An'} ${kind.name}`;
      throw new AppError('SIZE_UNREACHABLE', `${what} of ${Math.round(duration)} s cannot fit in ${formatMegabytes(conversion.maxSizeBytes)}; even at ${kind.caps.minFps} frames a second it needs at least ${formatMegabytes(Math.ceil(floor / 1000) * 1000)}.`);
    }
  }
  const rungs = animationRungs(video, conversion, kind.caps);
  // The first attempt is the largest: every frame is made at its size.
  assertPictureOfVideoWithinLimit(`${kind.article} ${kind.name}`, squarePixelSize(video), rungs[0]!, video.sampleAspectRatio, conversion.resize, (edge) => gifSize(squarePixelSize(video), edge));
  return rungs.map((rung) => planAnimation(input, video, rung, conversion, kind));
}

function planAnimation(input: ProbedInput, video: VideoStreamInfo, rung: GifRung, conversion: ConversionOptions, kind: AnimationKind): FfmpegPlan {
  const duration = input.probe.durationSeconds;
  const picture = [...deinterlaceFilters(video), ...(isHdr(video) ? toneMapFilters(video.colorTransfer!) : []), `fps=${rung.fps}`, `scale=${rung.width}:${rung.height}:flags=lanczos`, 'setsar=1'];
  const shown = squarePixelSize(video);
  const notes = [`Made ${kind.article} ${kind.name} of ${rung.width}x${rung.height} at ${rung.fps} frames a second, without sound.`];
  const smaller = rung.width !== shown.width || rung.height !== shown.height;
  const longest = Math.max(rung.width, rung.height);
  // A size asked for (--resize) needs no word; the cap and a size limit's steps do.
  if (smaller && longest === kind.caps.maxEdge && (conversion.resize === undefined || conversion.resize > longest)) {
    notes.push(`The video is ${shown.width}x${shown.height}; ${kind.article} ${kind.name} is made at most ${kind.caps.maxEdge} pixels on its longest side, as a larger one loads slowly and weighs several times more.`);
  } else if (smaller && conversion.maxSizeBytes !== undefined && (conversion.resize === undefined || conversion.resize > longest)) {
    notes.push(`The video is ${shown.width}x${shown.height}; the pictures were made ${rung.width}x${rung.height} to fit the size limit.`);
  }
  return {
    inputOptions: input.demuxer === 'avi' ? ['-fflags', '+genpts'] : [],
    outputOptions: ['-map', `0:${video.index}`, '-an', '-sn', '-dn', ...kind.outputOptions(video, picture, conversion), '-loop', '0', '-map_metadata', '-1'],
    muxer: kind.container,
    strategy: 'encode',
    expectation: {
      container: kind.container,
      video: { codec: kind.container, evenDimensions: false, width: rung.width, height: rung.height, rotation: 0, sdr: true },
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

/** One filter graph makes the palette of this clip (`palettegen`) and maps its frames onto it (`paletteuse`). */
const GIF: AnimationKind = {
  name: 'GIF',
  article: 'a',
  container: 'gif',
  caps: GIF_CAPS,
  floorBytes: gifFloorBytes,
  outputOptions: (_video, picture) => [
    '-vf', `${picture.join(',')},split[frames][forPalette];[forPalette]palettegen=stats_mode=diff[palette];[frames][palette]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle`,
    '-c:v', 'gif',
  ],
};

/** The GIFs to try for a video, best first (480 px and 15 fps at most, down to 64 px and 5 fps under a size limit). */
export function planGifConversions(input: ProbedInput, conversion: ConversionOptions): FfmpegPlan[] {
  return planAnimations(input, conversion, GIF);
}
