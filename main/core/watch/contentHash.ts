import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { openUserInputHandle } from '../userInputFile.js';

/** SHA-256 of a file's bytes, read as a stream so that a large video never sits in memory. */
export async function contentHashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  const { handle } = await openUserInputHandle(file);
  // The stream closes the handle when it ends or fails.
  await pipeline(createReadStream(file, { fd: handle }), hash);
  return hash.digest('hex');
}
