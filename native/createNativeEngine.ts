import { availableParallelism } from 'node:os';
import { AppError } from '../main/core/errors.js';
import { LocalConverter, DEFAULT_MAX_IMAGE_PIXELS } from '../main/core/engine/run/localConverter.js';
import type { Clock } from '../main/core/engine/ports.js';
import { FfmpegEncoderList } from './ffmpeg/ffmpegEncoders.js';
import { ProcessFfmpegRunner } from './ffmpeg/ffmpegRunner.js';
import { FfprobeProber } from './ffmpeg/ffprobeProber.js';
import { locateFfmpegToolsFromEnvironment, type FfmpegTools } from './ffmpeg/locateTools.js';
import type { HeicDecoderPool } from './heic/heicDecoderPool.js';
import { FfmpegBmpDecoder } from './image/bmpDecoder.js';
import { LazyImageConverter } from './image/lazyImageConverter.js';

export interface NativeEngine {
  converter: LocalConverter;
  tools: FfmpegTools;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => performance.now() };

/**
 * Wires the real adapters (ffmpeg, ffprobe, sharp, heic-decode) into the core's LocalConverter. The image side
 * (sharp, the HEIC worker pool and the search of PATH for libheif's decoder) is set up on the first image job.
 */
export function createNativeEngine(options: { maxImagePixels?: number; heicWorkers?: number } = {}): NativeEngine {
  const tools = locateFfmpegToolsFromEnvironment();
  if ('missing' in tools) throw new AppError('TOOL_MISSING', tools.missing);
  const ffmpeg = new ProcessFfmpegRunner(tools.ffmpeg.path);
  let heic: HeicDecoderPool | undefined;
  const images = async () => {
    const [{ SharpImageConverter }, { HeicDecoderPool }, { locateNativeHeifDecoder }, { FfmpegApngDecoder }] = await Promise.all([
      import('./image/sharpImageConverter.js'),
      import('./heic/heicDecoderPool.js'),
      import('./heic/nativeHeifDecoder.js'),
      import('./image/apngFrames.js'),
    ]);
    heic = new HeicDecoderPool(options.heicWorkers ?? availableParallelism());
    return new SharpImageConverter(heic, new FfmpegBmpDecoder(ffmpeg), locateNativeHeifDecoder(), new FfmpegApngDecoder(ffmpeg));
  };
  const converter = new LocalConverter(
    {
      prober: new FfprobeProber(tools.ffprobe.path),
      ffmpeg,
      encoders: new FfmpegEncoderList(tools.ffmpeg.path),
      images: new LazyImageConverter(images),
      clock: systemClock,
    },
    { maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS },
  );
  return { converter, tools, close: async () => heic?.close() };
}

/** The engine, or why this machine cannot convert locally (ffmpeg or ffprobe missing): hosted routing can still run. */
export function tryCreateNativeEngine(options: { maxImagePixels?: number; heicWorkers?: number } = {}): NativeEngine | AppError {
  try {
    return createNativeEngine(options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}
