import { randomBytes } from 'node:crypto';

/** Bytes drawn from the system's random source at a time: one draw per file name cost more than the rest of naming it. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` fresh random bytes as hex, for names nobody can guess (each byte is used once). */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
