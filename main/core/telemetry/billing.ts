import type { MediaKind } from '../formats.js';

export const FREE_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * What the hosted plan bills for a conversion: its runtime rounded up to whole minutes, at least one;
 * nothing for a failure; nothing for an image of up to 10 MB.
 */
export function billableMinutes(input: { succeeded: boolean; runtimeMs: number; kind: MediaKind; inputBytes: number }): number {
  if (!input.succeeded) return 0;
  if (input.kind === 'image' && input.inputBytes <= FREE_IMAGE_BYTES) return 0;
  return Math.max(1, Math.ceil(input.runtimeMs / 60_000));
}
