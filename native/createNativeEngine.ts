import { availableParallelism } from 'node:os';
import { AppError } from '../main/core/errors.js';
import { LocalConverter, DEFAULT_MAX_IMAGE_PIXELS } from '../main/core/engine/run/localConverter.js';
import type { Clock } from '../main/core/engine/ports.js';
import { FfmpegEncoderList } from './ffmpeg/ffmpegEncoders.js';
import { ProcessFfmpegRunner } from './ffmpeg/ffmpegRunner.js';
import { FfprobeProber } from './ffmpeg/ffprobeProber.js';
import { locateFfmpegToolsFromEnvironment, type FfmpegTools } from './ffmpeg/locateTools.js';
import { HeicDecoderPool } from './heic/heicDecoderPool.js';
import { locateNativeHeifDecoder } from './heic/nativeHeifDecoder.js';
import { FfmpegBmpDecoder } from './image/bmpDecoder.js';
import { LazyImageConverter } from './image/lazyImageConverter.js';

export interface NativeEngine {
  converter: LocalConverter;
  tools: FfmpegTools;
  /** The native HEIC decoder used as a fast path for HEIC->JPG, when one is installed. */
  nativeHeif: string | undefined;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => performance.now() };

/** Wires the real adapters (ffmpeg, ffprobe, sharp, heic-decode) into the core's LocalConverter. */
export function createNativeEngine(options: { maxImagePixels?: number; heicWorkers?: number } = {}): NativeEngine {
  const tools = locateFfmpegToolsFromEnvironment();
  if ('missing' in tools) throw new AppError('TOOL_MISSING', tools.missing);
  const ffmpeg = new ProcessFfmpegRunner(tools.ffmpeg.path);
  const heic = new HeicDecoderPool(options.heicWorkers ?? availableParallelism());
  const nativeHeif = locateNativeHeifDecoder();
  const converter = new LocalConverter(
    {
      prober: new FfprobeProber(tools.ffprobe.path),
      ffmpeg,
      encoders: new FfmpegEncoderList(tools.ffmpeg.path),
      images: new LazyImageConverter(async () => new (await import('./image/sharpImageConverter.js')).SharpImageConverter(heic, new FfmpegBmpDecoder(ffmpeg), nativeHeif)),
      clock: systemClock,
    },
    { maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS },
  );
  return { converter, tools, nativeHeif: nativeHeif?.binary, close: () => heic.close() };
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
