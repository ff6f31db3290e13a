import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import type { ConversionOptions } from '../engine/plan/conversionOptions.js';
import { inputFormatFromName, isAudioOutput, isImageOutput, mayHoldVideo, outputKind, type OutputFormat } from '../formats.js';
import { ANIMATED_PICTURE_TARGETS, DEFAULT_JOB_MEMORY, MAX_JOB_MEMORY_BYTES, animationOfVideoJobMemory, pictureJobMemory, videoJobMemory, type PictureFacts } from './memoryEstimate.js';
import { countGifFrames, countWebpFrames, type ByteAt } from '../engine/identify/animationFrames.js';
import { apngFrameCount, isAnimatedImage } from '../engine/identify/sniff.js';
import { readVideoFrameSize, readVideoHeader } from '../engine/identify/videoHeader.js';
import { animationRungs, GIF_CAPS } from '../engine/plan/planGif.js';
import { ANIMATED_WEBP_CAPS } from '../engine/plan/planAnimatedWebp.js';
import { isAnimatedWebp } from '../engine/plan/frameGrabTargets.js';
import { openUserInput } from '../userInputFile.js';
import { readPictureFacts } from '../engine/identify/pictureHeader.js';
import type { LaneRequest } from './scheduler.js';
import { SHARED_RUN_LIKELY_MAX_BYTES, SHARED_RUN_LOAD } from '../engine/plan/sharedRun.js';

/** Enough for the header of a PNG, GIF or WebP, and of most JPEGs. */
const FIRST_READ_BYTES = 4096;
/** Enough of a JPEG for its start-of-frame after an EXIF segment and an ICC profile of several segments. */
const HEADER_BYTES = 256 * 1024;
/** One buffer for every read: the header is parsed before the next read, on the same thread. */
const scratch = Buffer.allocUnsafe(HEADER_BYTES);

/** GIF frames are counted over at most this many bytes; beyond, the count is scaled by the file's size. */
const GIF_COUNT_MAX_BYTES = 64 * 1024 * 1024;

/** One byte at a time from a file, through `scratch` as a window that moves forward (or back) as needed. */
function windowedBytes(fd: number): ByteAt {
  let start = 0;
  let length = 0;
  return (position) => {
    if (position < start || position >= start + length) {
      start = position;
      length = readSync(fd, scratch, 0, HEADER_BYTES, position);
    }
    return position - start < length ? scratch[position - start] : undefined;
  };
}

const latin1 = (bytes: Uint8Array, at: number, length: number) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', at, at + length);

/** The frames an animated GIF, WEBP or PNG holds (1 for a still one); undefined for other pictures. */
function countFrames(fd: number, head: Uint8Array): number | undefined {
  const format = latin1(head, 0, 4) === 'GIF8' ? 'gif' : latin1(head, 8, 4) === 'WEBP' ? 'webp' : head[0] === 0x89 ? 'png' : undefined;
  if (format === 'gif') {
    const count = countGifFrames(windowedBytes(fd), GIF_COUNT_MAX_BYTES);
    return Math.max(1, count.whole ? count.frames : Math.round(count.frames * fstatSync(fd).size / count.reached));
  }
  if (format === 'webp') return isAnimatedImage(head, 'webp') ? Math.max(1, countWebpFrames(windowedBytes(fd))) : 1;
  return format === 'png' ? apngFrameCount(head) : undefined;
}

/**
 * The picture facts of a regular file's header, read without blocking (a FIFO gives nothing rather than
 * waiting for a writer); undefined when it cannot be read or is not a picture this reads. With `frames`, an
 * animated GIF, WEBP or PNG also gives its frame count (a GIF's blocks are walked through the file).
 */
function readFactsNow(file: string, frames: boolean): PictureFacts | undefined {
  let fd: number;
  try {
    fd = openUserInput(file).fd;
  } catch {
    return undefined;
  }
  try {
    const first = scratch.subarray(0, readSync(fd, scratch, 0, FIRST_READ_BYTES, 0));
    let facts = readPictureFacts(first);
    if (!facts && first.length === FIRST_READ_BYTES && first[0] === 0xff && first[1] === 0xd8) facts = readPictureFacts(scratch.subarray(0, readSync(fd, scratch, 0, HEADER_BYTES, 0)));
    if (!facts || !frames) return facts;
    // A copy of the header: counting reads the rest of the file through the same buffer.
    const count = countFrames(fd, Uint8Array.from(first));
    return count === undefined ? facts : { ...facts, frames: count };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

type EstimateOptions = Pick<ConversionOptions, 'resize' | 'from' | 'until'>;

/**
 * What a job is expected to hold in memory at its peak, for the scheduler's memory budget: for a picture
 * into a picture format from its header (no decoding); for a video target, or a GIF or an animated WEBP of a
 * video, from what its container header states (MP4/MOV, AVI); otherwise the kind's usual need.
 */
export function estimateJobMemory(inputPath: string, target: OutputFormat, options: EstimateOptions = {}): number {
  return estimateJob(inputPath, target, options).memoryBytes;
}

/** The memory estimate, and for a picture the facts of its header it came from. */
function estimateJob(inputPath: string, target: OutputFormat, options: EstimateOptions): { memoryBytes: number; picture?: PictureFacts } {
  const fallback = DEFAULT_JOB_MEMORY[outputKind(target)];
  if (outputKind(target) === 'video') {
    const frame = readVideoFrameSize(inputPath);
    return { memoryBytes: frame ? videoJobMemory(frame.width, frame.height) : fallback };
  }
  if (!isImageOutput(target)) return { memoryBytes: fallback };
  const facts = readFactsNow(inputPath, ANIMATED_PICTURE_TARGETS.has(target));
  if (facts) return { memoryBytes: pictureJobMemory(facts, target, options.resize), picture: facts };
  const animation = target === 'gif' || isAnimatedWebp(target, options) ? animationOfVideoMemory(inputPath, target === 'gif' ? 'gif' : 'webp', options) : undefined;
  return { memoryBytes: animation ?? fallback };
}

/**
 * A GIF or an animated WEBP of a video, at the planner's first (largest) attempt: its caps, its frame rate, the
 * length of the clip or its cut. A video whose length is unknown (no header this reads, a fragmented MP4) and not
 * bounded by `--until` is counted at the most one job may take, so it runs alone. Undefined for a file that is
 * neither named nor read as a video.
 */
function animationOfVideoMemory(inputPath: string, target: 'gif' | 'webp', options: EstimateOptions): number | undefined {
  const header = readVideoHeader(inputPath);
  const named = inputFormatFromName(inputPath);
  if (!header && !(named && mayHoldVideo(named))) return undefined;
  const caps = target === 'gif' ? GIF_CAPS : ANIMATED_WEBP_CAPS;
  const duration = header?.durationSeconds;
  const end = options.until !== undefined ? Math.min(options.until, duration ?? Infinity) : duration;
  if (end === undefined) return MAX_JOB_MEMORY_BYTES;
  const seconds = Math.max(0, end - (options.from ?? 0));
  // Without the frame size, the largest picture the longest edge allows: a square one.
  const edge = options.resize ?? caps.maxEdge;
  const video = header ?? { width: edge, height: edge };
  const rung = animationRungs({ width: video.width, height: video.height, rotation: 0, frameRate: header?.frameRate }, { resize: options.resize }, caps)[0]!;
  return animationOfVideoJobMemory({ target, ...(header ? { input: header } : {}), width: rung.width, height: rung.height, frames: Math.max(1, Math.ceil(seconds * rung.fps)) });
}

/**
 * Pictures up to this size spend most of their time on the main thread (reading, checking, bookkeeping) rather than
 * in libvips: four times as many of them run at once, each taking LIGHT_PICTURE_LOAD of a picture's slot, so that the
 * main thread always has one to work on and their commits share transactions (row 5 of the bench, 1000 icons: 1.20x
 * sharp alone at a half, 1.02-1.09x at a quarter).
 */
export const LIGHT_PICTURE_PIXELS = 512 * 512;
export const LIGHT_PICTURE_LOAD = 0.25;

type LaneOptions = EstimateOptions & Pick<ConversionOptions, 'maxSizeBytes' | 'normalize'>;

/**
 * Whether a job is expected to share an ffmpeg process with others (sharedRun.ts), judged before its input is read:
 * a small file into a sound, with no size to meet and no loudness to measure.
 */
function likelyShared(inputPath: string, target: OutputFormat, options: LaneOptions): boolean {
  if (!isAudioOutput(target) || options.maxSizeBytes !== undefined || options.normalize) return false;
  const size = statSync(inputPath, { throwIfNoEntry: false })?.size;
  return size !== undefined && size <= SHARED_RUN_LIKELY_MAX_BYTES;
}

/**
 * The scheduler request of a routed job, whatever its origin: its lane and, when it runs here, its decode memory
 * and the part of a slot it takes.
 */
export function laneRequestFor(route: { mode: string; lane: string }, inputPath: string, target: OutputFormat, options: LaneOptions = {}): LaneRequest {
  if (route.mode !== 'local') return { lane: route.lane, memoryBytes: undefined };
  const { memoryBytes, picture } = estimateJob(inputPath, target, options);
  const light = picture !== undefined && picture.width * picture.height * (picture.frames ?? 1) <= LIGHT_PICTURE_PIXELS;
  const load = light ? LIGHT_PICTURE_LOAD : likelyShared(inputPath, target, options) ? SHARED_RUN_LOAD : undefined;
  return { lane: route.lane, memoryBytes, ...(load === undefined ? {} : { load }) };
}
