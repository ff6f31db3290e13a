import { statSync, type Stats } from 'node:fs';
import type { OutputFormat } from '../formats.js';
import { DEFAULT_OPTIONS, optionsIdentity, type ConversionOptions } from '../engine/plan/conversionOptions.js';
import type { ConvertedOutput } from './ports.js';

/**
 * The same target into the same folder with the same options is the same request. Options at their
 * defaults leave the key as it was before options existed, so outputs recorded then still count.
 */
export function requestKeyOf(target: OutputFormat, outputDir: string | null, options?: ConversionOptions): string {
  const chosen = options && optionsIdentity(options) !== optionsIdentity(DEFAULT_OPTIONS) ? { options: optionsIdentity(options) } : {};
  return JSON.stringify({ target, outputDir, ...chosen });
}

export function inputFingerprint(file: string): Stats | undefined {
  try {
    // A missing file is the common answer (an earlier output since deleted): no exception for it.
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The earlier output of this input for this request, when it is still in place: the input has the size and
 * modification time it had then (unchanged content) and the output file is still there with its size.
 */
export function outputStillInPlace(outputs: readonly ConvertedOutput[], input: Pick<Stats, 'size' | 'mtimeMs'>): ConvertedOutput | undefined {
  return outputs.find((o) => o.inputSize === input.size && o.inputMtimeMs === input.mtimeMs && inputFingerprint(o.outputPath)?.size === o.outputSize);
}
