import type { ConversionHooks, ConversionRequest, ConversionResult, ProgressListener } from './localConverter.js';

/** Where a job ran. */
export type ConversionMode = 'local' | 'hosted';

/** Converts one file, on this machine or through the hosted API. */
export interface FileConverter {
  convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks?: ConversionHooks): Promise<ConversionResult>;
}
