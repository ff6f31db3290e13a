import type { ConversionHooks, ConversionRequest, ConversionResult, ProgressListener } from './localConverter.js';

/** Where a job ran. */
/** Where a job really ran. */
export const CONVERSION_MODES = ['local', 'hosted'] as const;
export type ConversionMode = (typeof CONVERSION_MODES)[number];

/** Converts one file, on this machine or through the hosted API. */
export interface FileConverter {
  convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks?: ConversionHooks): Promise<ConversionResult>;
}
