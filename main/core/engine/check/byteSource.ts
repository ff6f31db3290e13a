import { readOpened } from '../../userInputFile.js';

/** A file's bytes as the container readers ask for them: a few at a time, anywhere, never more than asked for. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes from `at` (fewer at the end of the file). */
  read(at: number, length: number): Uint8Array;
}

/** Reads ahead by this much, so that walking small elements one after the other costs one read per window. */
const WINDOW_BYTES = 64 * 1024;
/** After a jump past the window (over a large element), only this much is read: the next header, and a little more. */
const JUMP_BYTES = 4 * 1024;

/** An open file read through one window: WINDOW_BYTES read ahead when reads follow each other, JUMP_BYTES after a jump, `length` when a caller asks for more. */
export function fileSource(fd: number, size: number): ByteSource {
  let windowAt = 0;
  let window: Uint8Array = new Uint8Array(0);
  return {
    size,
    read(at, length) {
      if (at >= size || length <= 0) return new Uint8Array(0);
      const end = Math.min(at + length, size);
      if (at < windowAt || end > windowAt + window.length) {
        const ahead = at < windowAt + window.length + WINDOW_BYTES ? WINDOW_BYTES : JUMP_BYTES;
        windowAt = at;
        window = readOpened(fd, Math.min(Math.max(length, ahead), size - at), at);
      }
      return window.subarray(at - windowAt, end - windowAt);
    },
  };
}

/** Bytes already in memory (tests, and files read whole). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (at, length) => bytes.subarray(at, Math.min(at + length, bytes.length)) };
}
