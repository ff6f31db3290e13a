import type { ConversionOptions, Quality } from './conversionOptions.js';
import { AUDIO_OUTPUTS, VIDEO_OUTPUTS, type OutputFormat } from '../../formats.js';

/** What is known of an input before it is converted: its size, and for sound and video its length and picture. */
export interface InputMeasure {
  bytes: number;
  /** Seconds; undefined when it could not be read. */
  seconds?: number;
  /** Width × height of the picture (video), after any resize. */
  pixels?: number;
}

/** An output size before converting: `atMost` when a size limit caps it ("≤ 25 MB"), else a rough figure. */
export interface SizeEstimate {
  bytes: number;
  atMost: boolean;
}

/** Lossy sound per quality (kbps, stereo), as the encoders are set. */
const SOUND_KBPS: Record<Quality, number> = { high: 256, balanced: 192, small: 128 };
/** H.264-class video: bits per pixel per second at each quality's constant-quality setting (about 25 fps of typical footage). */
const VIDEO_BITS_PER_PIXEL_SECOND: Record<Quality, number> = { high: 3, balanced: 2, small: 0.9 };
const LOSSLESS_SOUND = new Set<OutputFormat>(['wav', 'flac']);

const isVideo = (target: OutputFormat) => (VIDEO_OUTPUTS as readonly string[]).includes(target);
const isSound = (target: OutputFormat) => (AUDIO_OUTPUTS as readonly string[]).includes(target);

function scaledPixels(pixels: number, resize: number | undefined): number {
  if (resize === undefined) return pixels;
  // The longest edge is at most `resize`; a 16:9 picture's longest edge is √(pixels·16/9).
  const longest = Math.sqrt((pixels * 16) / 9);
  return longest <= resize ? pixels : pixels * (resize / longest) ** 2;
}

/**
 * A rough output size for a target and options, from the input's size, length and picture: the size limit
 * where one is set (a job never writes more), else the quality's bitrate over the length. Null where no
 * honest figure can be given (pictures, lossless sound, an unknown length).
 */
export function estimateOutputSize(input: InputMeasure, target: OutputFormat, options: Pick<ConversionOptions, 'quality' | 'maxSizeBytes' | 'resize' | 'audioBitrateKbps' | 'mono'>): SizeEstimate | null {
  const fromQuality = qualityEstimate(input, target, options);
  if (options.maxSizeBytes !== undefined && (isVideo(target) || (isSound(target) && !LOSSLESS_SOUND.has(target)))) {
    return { bytes: fromQuality === null ? options.maxSizeBytes : Math.min(options.maxSizeBytes, fromQuality), atMost: fromQuality === null || fromQuality >= options.maxSizeBytes };
  }
  return fromQuality === null ? null : { bytes: fromQuality, atMost: false };
}

function qualityEstimate(input: InputMeasure, target: OutputFormat, options: Pick<ConversionOptions, 'quality' | 'resize' | 'audioBitrateKbps' | 'mono'>): number | null {
  if (input.seconds === undefined || !(input.seconds > 0)) return null;
  const soundKbps = (options.audioBitrateKbps ?? SOUND_KBPS[options.quality]) / (options.mono && options.audioBitrateKbps === undefined ? 2 : 1);
  const soundBytes = (soundKbps * 1000 * input.seconds) / 8;
  if (isSound(target)) return LOSSLESS_SOUND.has(target) ? null : Math.round(soundBytes);
  if (!isVideo(target) || input.pixels === undefined) return null;
  const videoBytes = (scaledPixels(input.pixels, options.resize) * VIDEO_BITS_PER_PIXEL_SECOND[options.quality] * input.seconds) / 8;
  return Math.round(videoBytes + soundBytes);
}
