import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeMedia } from './media';

/** An ffmpeg-made M4A whose media header (mdhd) timescale has its top bit set: ffmpeg reads it as negative and falls back. */
export function m4aWithNegativeTimescale(dir: string, seconds: number): string {
  const made = path.join(dir, 'made.m4a');
  makeMedia(['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-b:a', '32k', '-ar', '44100', made]);
  const bytes = readFileSync(made);
  const mdhd = bytes.indexOf('mdhd');
  const timescaleAt = mdhd + 4 + (bytes[mdhd + 4] === 1 ? 20 : 12);
  bytes.writeUInt32BE((bytes.readUInt32BE(timescaleAt) | 0x80000000) >>> 0, timescaleAt);
  const patched = path.join(dir, 'song.m4a');
  writeFileSync(patched, bytes);
  return patched;
}
