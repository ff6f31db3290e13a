import { closeSync } from 'node:fs';
import { openUserInput, readOpened } from '../../userInputFile.js';
import { fileBoxes } from './fileBoxes.js';

/** A movie header larger than this is not read at admission: the job is counted at the default frame size. */
const MAX_MOVIE_HEADER_BYTES = 8 * 1024 * 1024;

export interface FrameSize {
  width: number;
  height: number;
}

const type = (bytes: Uint8Array, at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

/** AVI's main header (`avih`, first in `hdrl`) holds the frame size at fixed places. */
export function aviFrameSize(head: Uint8Array): FrameSize | undefined {
  if (head.length < 72 || type(head, 0) !== 'RIFF' || type(head, 8) !== 'AVI ' || type(head, 12) !== 'LIST' || type(head, 20) !== 'hdrl' || type(head, 24) !== 'avih') return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const width = view.getUint32(64, true);
  const height = view.getUint32(68, true);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** The children of one box's payload as [type, payload start, payload end]; stops at the first malformed one. */
function* boxes(bytes: Uint8Array, start: number, end: number): Generator<[string, number, number]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at + 8 <= end) {
    const size = view.getUint32(at);
    if (size < 8 || at + size > end) return;
    yield [type(bytes, at + 4), at + 8, at + size];
    at += size;
  }
}

/** The largest video track's size in a movie header (`moov`): each `trak` whose handler is `vide`, from its `tkhd`. */
export function movieFrameSize(moov: Uint8Array): FrameSize | undefined {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  let best: FrameSize | undefined;
  for (const [name, start, end] of boxes(moov, 0, moov.length)) {
    if (name !== 'trak') continue;
    let size: FrameSize | undefined;
    let video = false;
    for (const [child, from, to] of boxes(moov, start, end)) {
      if (child === 'tkhd' && to - from >= 84) {
        const widthAt = from + (moov[from] === 1 ? 88 : 76);
        if (widthAt + 8 <= to) size = { width: view.getUint32(widthAt) >>> 16, height: view.getUint32(widthAt + 4) >>> 16 };
      }
      if (child === 'mdia') {
        for (const [part, a, b] of boxes(moov, from, to)) if (part === 'hdlr' && b - a >= 12 && type(moov, a + 8) === 'vide') video = true;
      }
    }
    if (video && size && size.width > 0 && size.height > 0 && (!best || size.width * size.height > best.width * best.height)) best = size;
  }
  return best;
}

/**
 * A video's frame size read from its container header without starting a tool (MP4/MOV/3GP and AVI), for the
 * memory its decoding will take; undefined for other containers, a header this does not read, or a file that
 * is not a regular file.
 */
export function readVideoFrameSize(file: string): FrameSize | undefined {
  let opened: ReturnType<typeof openUserInput>;
  try {
    opened = openUserInput(file);
  } catch {
    return undefined;
  }
  const { fd, size } = opened;
  try {
    const head = readOpened(fd, 72);
    const avi = aviFrameSize(head);
    if (avi) return avi;
    if (head.length < 8 || !['ftyp', 'moov', 'wide', 'free', 'mdat', 'skip'].includes(type(head, 4))) return undefined;
    const moov = fileBoxes(fd, size).boxes.find((box) => box.type === 'moov');
    if (!moov || moov.at + moov.size > size || moov.size - moov.headerBytes > MAX_MOVIE_HEADER_BYTES) return undefined;
    return movieFrameSize(readOpened(fd, moov.size - moov.headerBytes, moov.at + moov.headerBytes));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
