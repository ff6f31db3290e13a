import { closeSync } from 'node:fs';
import { openUserInput, readOpened } from '../../userInputFile.js';
import { fileBoxes } from './fileBoxes.js';

/** A movie header larger than this is not read at admission: the job is counted at the default frame size. */
const MAX_MOVIE_HEADER_BYTES = 8 * 1024 * 1024;

export interface FrameSize {
  width: number;
  height: number;
}

/** What a video's container header states of its pictures: their size and, when it says, how long they last and how often. */
export interface VideoHeader extends FrameSize {
  durationSeconds?: number;
  frameRate?: number;
}

const type = (bytes: Uint8Array, at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

/**
 * AVI's main header (`avih`, first in `hdrl`) holds the frame size, the time of a frame and the frame count at fixed
 * places. The count is of the first RIFF only: an OpenDML file larger than it (`AVIX` after it) states no duration.
 */
export function aviHeader(head: Uint8Array, fileSize: number): VideoHeader | undefined {
  if (head.length < 72 || type(head, 0) !== 'RIFF' || type(head, 8) !== 'AVI ' || type(head, 12) !== 'LIST' || type(head, 20) !== 'hdrl' || type(head, 24) !== 'avih') return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const width = view.getUint32(64, true);
  const height = view.getUint32(68, true);
  if (width === 0 || height === 0) return undefined;
  const frameMicroseconds = view.getUint32(32, true);
  const frames = view.getUint32(48, true);
  const whole = view.getUint32(4, true) + 8 >= fileSize;
  return {
    width, height,
    ...(frameMicroseconds > 0 ? { frameRate: 1e6 / frameMicroseconds } : {}),
    ...(frameMicroseconds > 0 && frames > 0 && whole ? { durationSeconds: frames * frameMicroseconds / 1e6 } : {}),
  };
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

/** A full box's duration over its timescale (`mvhd`, `mdhd`: version 1 has 64-bit times); undefined when 0 or cut. */
function boxSeconds(view: DataView, from: number, to: number): number | undefined {
  const wide = view.getUint8(from) === 1;
  const at = from + (wide ? 20 : 12);
  if (at + (wide ? 12 : 8) > to) return undefined;
  const timescale = view.getUint32(at);
  const duration = wide ? Number(view.getBigUint64(at + 4)) : view.getUint32(at + 4);
  return timescale > 0 && duration > 0 && duration !== 0xffffffff ? duration / timescale : undefined;
}

/** The samples a sample table states (`stsz`'s count), found under `minf`/`stbl`. */
function sampleCount(moov: Uint8Array, view: DataView, from: number, to: number): number | undefined {
  for (const [part, a, b] of boxes(moov, from, to)) {
    if (part === 'minf' || part === 'stbl') return sampleCount(moov, view, a, b);
    if (part === 'stsz' && b - a >= 12) return view.getUint32(a + 8);
  }
  return undefined;
}

/**
 * The largest video track of a movie header (`moov`): each `trak` whose handler is `vide`, its size from its `tkhd`,
 * its duration from its `mdhd` (the movie's `mvhd` when longer) and its frame rate from its sample count. A fragmented
 * movie (`mvex`) states no duration: its fragments, after the header, hold more pictures.
 */
export function movieHeader(moov: Uint8Array): VideoHeader | undefined {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  let best: VideoHeader | undefined;
  let movieSeconds: number | undefined;
  let fragmented = false;
  for (const [name, start, end] of boxes(moov, 0, moov.length)) {
    if (name === 'mvhd') movieSeconds = boxSeconds(view, start, end);
    if (name === 'mvex') fragmented = true;
    if (name !== 'trak') continue;
    let size: FrameSize | undefined;
    let video = false;
    let seconds: number | undefined;
    let samples: number | undefined;
    for (const [child, from, to] of boxes(moov, start, end)) {
      if (child === 'tkhd' && to - from >= 84) {
        const widthAt = from + (moov[from] === 1 ? 88 : 76);
        if (widthAt + 8 <= to) size = { width: view.getUint32(widthAt) >>> 16, height: view.getUint32(widthAt + 4) >>> 16 };
      }
      if (child === 'mdia') {
        for (const [part, a, b] of boxes(moov, from, to)) {
          if (part === 'hdlr' && b - a >= 12 && type(moov, a + 8) === 'vide') video = true;
          if (part === 'mdhd') seconds = boxSeconds(view, a, b);
        }
        samples = sampleCount(moov, view, from, to);
      }
    }
    if (!video || !size || size.width <= 0 || size.height <= 0 || (best && size.width * size.height <= best.width * best.height)) continue;
    best = { ...size, ...(seconds !== undefined ? { durationSeconds: seconds } : {}), ...(seconds !== undefined && samples ? { frameRate: samples / seconds } : {}) };
  }
  if (!best) return undefined;
  if (fragmented) return { width: best.width, height: best.height };
  return movieSeconds === undefined ? best : { ...best, durationSeconds: Math.max(best.durationSeconds ?? 0, movieSeconds) };
}

/** A video's frame size, as readVideoHeader reads it. */
export function readVideoFrameSize(file: string): FrameSize | undefined {
  const header = readVideoHeader(file);
  return header && { width: header.width, height: header.height };
}

/**
 * What a video's container header states of its pictures, read without starting a tool or decoding (MP4/MOV/3GP
 * and AVI), for the memory its conversion will take; undefined for other containers, a header this does not read,
 * or a file that is not a regular file.
 */
export function readVideoHeader(file: string): VideoHeader | undefined {
  let opened: ReturnType<typeof openUserInput>;
  try {
    opened = openUserInput(file);
  } catch {
    return undefined;
  }
  const { fd, size } = opened;
  try {
    const head = readOpened(fd, 72);
    const avi = aviHeader(head, size);
    if (avi) return avi;
    if (head.length < 8 || !['ftyp', 'moov', 'wide', 'free', 'mdat', 'skip'].includes(type(head, 4))) return undefined;
    const moov = fileBoxes(fd, size).boxes.find((box) => box.type === 'moov');
    if (!moov || moov.at + moov.size > size || moov.size - moov.headerBytes > MAX_MOVIE_HEADER_BYTES) return undefined;
    return movieHeader(readOpened(fd, moov.size - moov.headerBytes, moov.at + moov.headerBytes));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
