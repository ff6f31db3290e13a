import type { ConversionHooks, ConversionRequest, ConversionResult, ProgressListener } from './localConverter.js';

/** Where a job ran. */
export { CONVERSION_MODES, type ConversionMode } from '../../modes.js';

/** Converts one file, on this machine or through the hosted API. */
export interface FileConverter {
  convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks?: ConversionHooks): Promise<ConversionResult>;
}
