import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from './errors.js';

/**
 * Read-only, and non-blocking: a path that turned into a named pipe or a device after it was listed or
 * stat'ed opens at once instead of waiting for a writer (which froze the whole process), and is then
 * refused on the descriptor's own facts. A final symbolic link is followed on purpose: the user named it.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

function whatItIs(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isDirectory()) return 'a folder';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function openError(file: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('INPUT_NOT_FOUND', `The file ${file} does not exist.`);
  if (code === 'ENXIO') return new NotAFileError(file, 'a socket or a device');
  return new AppError('INPUT_UNREADABLE', `The file ${file} cannot be read: ${(error as Error).message}`);
}

/** The path names a pipe, a device, a folder or a socket: refused before any read. */
export class NotAFileError extends AppError {
  constructor(file: string, what: string) {
    super('INPUT_UNREADABLE', `${file} is not a file (it is ${what}).`);
  }
}

function notAFile(file: string, info: Stats): AppError {
  return new NotAFileError(file, whatItIs(info));
}

/** A user's input, opened once: what is decided about it comes from this descriptor, never from an earlier stat. */
export interface OpenedInput {
  fd: number;
  size: number;
}

/**
 * Opens a user's input file for reading; throws INPUT_NOT_FOUND or INPUT_UNREADABLE (a pipe, device, folder),
 * naming it as `shownAs` (the path as the user gave it).
 */
export function openUserInput(file: string, shownAs = file): OpenedInput {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw openError(shownAs, error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notAFile(shownAs, info);
    return { fd, size: info.size };
  } catch (error) {
    closeSync(fd);
    throw error instanceof AppError ? error : openError(shownAs, error);
  }
}

/** `openUserInput` through the thread pool, for reads too large to do synchronously. */
export async function openUserInputHandle(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    throw openError(file, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notAFile(file, info);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error instanceof AppError ? error : openError(file, error);
  }
}

/** Up to `length` bytes from `position` of an opened input (fewer at its end). */
export function readOpened(fd: number, length: number, position = 0): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** The whole of a user's small input file, with its size as its descriptor says. */
export function readWholeUserInput(file: string, maxBytes: number): Buffer | undefined {
  const { fd, size } = openUserInput(file);
  try {
    return size <= maxBytes ? readOpened(fd, size) : undefined;
  } finally {
    closeSync(fd);
  }
}
