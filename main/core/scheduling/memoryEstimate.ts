import type { MediaKind, OutputFormat } from '../formats.js';

const MIB = 2 ** 20;

/** The most memory one job may need: a picture that needs more is TOO_LARGE before it is decoded. */
export const MAX_JOB_MEMORY_BYTES = 1.5e9;

/** A picture's facts from its header, read without decoding it. */
export interface PictureFacts {
  width: number;
  height: number;
  /** Samples per pixel as the decoder hands them over (a palette picture becomes RGB, or RGBA with transparency). */
  bands: number;
  bytesPerSample: number;
  /** Progressive JPEG or interlaced PNG: the decoder holds the whole picture before it hands over a line. */
  progressive: boolean;
  /** EXIF orientation: 2 to 8 turn or mirror the picture, which needs all of it in memory. */
  orientation?: number;
  /** What the decoder itself holds per pixel besides the decoded picture (HEIF's decoder); 0 when absent. */
  decoderBytesPerPixel?: number;
  /** Frames of an animation (GIF, WEBP, APNG); 1 when absent. A target that keeps the animation holds them all at once. */
  frames?: number;
}

/** Targets that keep an animated picture's frames (an animated GIF, WEBP or PNG into them stays animated). */
export const ANIMATED_PICTURE_TARGETS: ReadonlySet<OutputFormat> = new Set<OutputFormat>(['gif', 'webp']);

/** What every picture job holds besides its pixels: libvips' buffers, the encoder's state, the job's bookkeeping. */
const PICTURE_BASE_BYTES = 24 * MIB;
/** Lines of a picture a streaming pipeline holds at once (libvips' strips for each thread, and the encoder's). */
const STREAMING_LINES = 512;
/** JPEGs up to this size get optimised Huffman tables, which need every coefficient of the picture in memory. */
export const OPTIMISED_JPEG_MAX_PIXELS = 16_000_000;

/**
 * Bytes per output pixel of the encoders that take the whole picture at once (measured with libvips 8.18 on
 * 196-megapixel pictures: WebP 5.0 without and 14.4 with alpha, AVIF 23, GIF 10.2, a JPEG's optimised coding 6.3).
 * JPEG, PNG and TIFF encoders take the picture line by line.
 */
function wholePictureEncoderBytes(target: OutputFormat, pixels: number, alpha: boolean): number {
  switch (target) {
    case 'webp': return pixels * (alpha ? 14.5 : 5);
    case 'avif': return pixels * (alpha ? 28 : 23);
    case 'gif': return pixels * 10.5;
    case 'bmp': return pixels * 6;
    case 'jpg': return pixels <= OPTIMISED_JPEG_MAX_PIXELS ? pixels * 6.5 : 0;
    default: return 0;
  }
}

/** The output's size for a longest edge of at most `maxEdge`. */
function outputPixels(facts: PictureFacts, maxEdge: number | undefined): number {
  const longest = Math.max(facts.width, facts.height);
  const scale = maxEdge !== undefined && longest > maxEdge ? maxEdge / longest : 1;
  return Math.round(facts.width * scale) * Math.round(facts.height * scale);
}

/**
 * Peak memory of converting a picture: the decoded picture when it must be whole, the encoder's need, and a base.
 * An animation kept animated counts every frame, as one picture of all its frames stacked (how libvips holds it).
 */
export function pictureJobMemory(facts: PictureFacts, target: OutputFormat, maxEdge?: number): number {
  const frames = ANIMATED_PICTURE_TARGETS.has(target) ? Math.max(1, facts.frames ?? 1) : 1;
  const line = facts.width * facts.bands * facts.bytesPerSample;
  const decoded = line * facts.height * frames;
  const whole = facts.progressive || (facts.orientation ?? 1) >= 2;
  const decoding = (whole ? decoded : Math.min(decoded, line * STREAMING_LINES)) + facts.width * facts.height * (facts.decoderBytesPerPixel ?? 0);
  const alpha = facts.bands === 2 || facts.bands === 4;
  return Math.round(PICTURE_BASE_BYTES + decoding + wholePictureEncoderBytes(target, outputPixels(facts, maxEdge) * frames, alpha));
}

/** Frames a video decoder holds at once: its reference frames, one per decoding thread, and the filter graph's. */
export const VIDEO_FRAMES_IN_FLIGHT = 24;
/** ffmpeg's own memory besides frames: demuxer, encoder state, buffers. */
const VIDEO_BASE_BYTES = 96 * MIB;

/** Peak memory of a video job: a frame's size (8-bit 4:2:0, 1.5 bytes a pixel) times the frames in flight. */
export function videoJobMemory(width: number, height: number, framesInFlight = VIDEO_FRAMES_IN_FLIGHT): number {
  return Math.round(VIDEO_BASE_BYTES + width * height * 1.5 * framesInFlight);
}

/** An animation made of a video (GIF, animated WEBP): its first, largest attempt as the planner makes it. */
export interface AnimationOfVideo {
  target: 'gif' | 'webp';
  /** The video's frame size; the decoder's need is counted at the default frame size when unknown. */
  input?: { width: number; height: number };
  width: number;
  height: number;
  /** Frames the animation is made of. */
  frames: number;
}

/**
 * Bytes a GIF holds per pixel of each of its frames: the palette is made of the whole clip (split -> palettegen /
 * paletteuse), so every frame waits as RGBA (4 bytes) until the clip's end, with up to as much again in the
 * allocator's holes between them, which vary from run to run (ffmpeg 5.1, 1280x720, 5 s: 399 to 626 MB).
 */
const GIF_BYTES_PER_FRAME_PIXEL = 8;
/**
 * libwebp's animation encoder keeps every frame encoded until the end, then assembles the file, which ffmpeg copies
 * into one packet: three copies of up to 0.2 bytes a pixel of a frame (quality 85 on noise, 1280x720, 20 and 40 s:
 * 0.56 bytes a pixel more for each frame).
 */
const ANIMATED_WEBP_BYTES_PER_FRAME_PIXEL = 0.75;
/** Whole pictures libwebp's animation encoder holds at once (the canvas, the previous one, its candidates), 4 bytes a pixel. */
const ANIMATED_WEBP_CANVASES = 8;

/** Peak memory of making an animation of a video: the video's decoding, and the frames the encoder holds. */
export function animationOfVideoJobMemory(animation: AnimationOfVideo): number {
  const decoding = animation.input ? videoJobMemory(animation.input.width, animation.input.height) : DEFAULT_JOB_MEMORY.video;
  const pixels = animation.width * animation.height;
  const held = animation.target === 'gif'
    ? pixels * animation.frames * GIF_BYTES_PER_FRAME_PIXEL
    : pixels * (ANIMATED_WEBP_CANVASES * 4 + animation.frames * ANIMATED_WEBP_BYTES_PER_FRAME_PIXEL);
  return Math.round(decoding + held);
}

/** Sound is decoded a few thousand samples at a time. */
export const AUDIO_JOB_MEMORY_BYTES = 48 * MIB;

/** What a job is counted at when its input's header tells nothing (a video's frame size needs the prober). */
export const DEFAULT_JOB_MEMORY: Record<MediaKind, number> = {
  video: videoJobMemory(1920, 1080),
  audio: AUDIO_JOB_MEMORY_BYTES,
  image: 64 * MIB,
};

/**
 * The memory all running jobs may take together: the smaller of MAX_JOB_MEMORY_BYTES and a quarter of RAM,
 * or `override` (bytes; from CONVERTR_MEMORY_BUDGET_MB) when it is a positive number.
 */
export function memoryBudget(totalMemoryBytes: number, override?: number): number {
  if (override !== undefined && Number.isFinite(override) && override > 0) return override;
  return Math.min(MAX_JOB_MEMORY_BYTES, Math.floor(totalMemoryBytes / 4));
}

/** The budget override of the environment, in bytes; undefined when unset or not a positive number of megabytes. */
export function memoryBudgetOverride(env: Record<string, string | undefined>): number | undefined {
  const mb = Number(env['CONVERTR_MEMORY_BUDGET_MB']);
  return env['CONVERTR_MEMORY_BUDGET_MB'] !== undefined && Number.isFinite(mb) && mb > 0 ? mb * 1e6 : undefined;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
