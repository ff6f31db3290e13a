import { closeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.js';
import { extensionOf, formatForStreams, inputKind, kindOfStreams, type InputFormat, type MediaKind } from '../../formats.js';
import type { MediaProbe } from './media.js';
import type { SmartFacts } from '../plan/smartTarget.js';
import { SNIFF_HEAD_BYTES, findMp3Start, isAnimatedImage, sniffContainer } from './sniff.js';
import { openUserInput, openUserInputHandle, readOpened } from '../../userInputFile.js';

export interface IdentifiedInput {
  path: string;
  sizeBytes: number;
  format: InputFormat;
  kind: MediaKind;
  demuxer: string;
  skipBytes?: number;
  /** The whole file, when it is small enough to be read whole here (the converter does not read it again). */
  wholeFile?: Uint8Array;
}

const MP3_SEARCH_BYTES = 1024 * 1024;

/** Heads up to this size are read synchronously: a few microseconds from a local disk, less than a thread-pool round trip. */
const SYNC_HEAD_BYTES = 64 * 1024;
/** Files up to this size are read whole when identified (one read instead of two for a small picture). */
const WHOLE_FILE_BYTES = SYNC_HEAD_BYTES;

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readFileHead(file: string, bytes: number): Promise<Uint8Array> {
  if (bytes <= SYNC_HEAD_BYTES) {
    const { fd } = openUserInput(file);
    try {
      return readOpened(fd, bytes);
    } finally {
      closeSync(fd);
    }
  }
  const { handle } = await openUserInputHandle(file);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether a text file is an SVG drawing: its first element (after any XML declaration, comments and doctype) is `<svg`. */
export function isSvgDrawing(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(text);
}

/**
 * Whether a text file is a web page: what a download that failed saves under the file's name (an error, a sign-in
 * page or an expired link's answer), starting with an HTML doctype or element after any BOM, XML declaration and comments.
 */
export function isWebPage(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE\s+html[\s>]|<html[\s>]|<head[\s>])/i.test(text);
}

/** Decides what a file really is from its content (the name only breaks ties), before any tool runs. */
export async function identifyInput(inputPath: string): Promise<IdentifiedInput> {
  const absolute = path.resolve(inputPath);
  // Opened once; the size and the kind of file come from the descriptor that is read.
  const { fd, size } = openUserInput(absolute, inputPath);
  let read: Uint8Array;
  try {
    if (size === 0) throw new AppError('INPUT_EMPTY', 'This file is empty (0 bytes): there is nothing to convert.');
    read = readOpened(fd, size <= WHOLE_FILE_BYTES ? size : SNIFF_HEAD_BYTES);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INPUT_UNREADABLE', `The file ${inputPath} cannot be read: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  const head = read.subarray(0, SNIFF_HEAD_BYTES);
  const sniff = sniffContainer(head);
  if (sniff.kind === 'media') {
    const wholeFile = read.length === size ? { wholeFile: read } : {};
    return { path: absolute, sizeBytes: size, format: sniff.format, kind: inputKind(sniff.format), demuxer: sniff.demuxer, ...wholeFile };
  }
  if (sniff.kind === 'playlist') {
    throw new AppError('PLAYLIST_REFUSED', `This file is ${sniff.what}, not a media file: it only points to other files or addresses, which are never opened. Convert the media files themselves.`);
  }
  if (sniff.kind === 'program') {
    throw new AppError('FORMAT_UNRECOGNIZED', `This file is ${sniff.what}, not audio, video or an image, whatever its name says.`);
  }
  if (extensionOf(absolute) === 'mp3') {
    const start = findMp3Start(await readFileHead(absolute, MP3_SEARCH_BYTES));
    if (start !== undefined) {
      return { path: absolute, sizeBytes: size, format: 'mp3', kind: 'audio', demuxer: 'mp3', skipBytes: start };
    }
  }
  if (sniff.kind === 'text' && isSvgDrawing(head)) {
    throw new AppError('FORMAT_UNRECOGNIZED', 'This is an SVG drawing (shapes described in text, not a picture made of pixels), which Convertr does not read. Export it as a PNG from the program that made it, then convert that.');
  }
  if (sniff.kind === 'text' && isWebPage(head)) {
    throw new AppError('FORMAT_UNRECOGNIZED', 'This is a web page (HTML), not audio, video or an image: a download that failed saves the site\'s page (an error, a sign-in page or an expired link) under the file\'s name. Download the file again from where it came from.');
  }
  if (sniff.kind === 'text') {
    throw new AppError('FORMAT_UNRECOGNIZED', 'This is a text file, not audio, video or an image, whatever its name says.');
  }
  throw new AppError('FORMAT_UNRECOGNIZED', 'The content of this file is not a format Convertr reads (audio, video or image), whatever its name says.');
}

/**
 * After probing, the streams decide: an MP4 or WMV with sound only is an audio file (M4A, WMA), an "M4A" with
 * pictures is an MP4, an Ogg with Theora is a video. A file with neither sound nor pictures is refused.
 */
export function refineFormat(input: IdentifiedInput, probe: MediaProbe): IdentifiedInput {
  const video = probe.video.length > 0;
  if (!video && probe.audio.length === 0) {
    const what = probe.subtitles.length > 0 ? 'only subtitles' : 'no audio or video stream';
    throw new AppError('FORMAT_UNRECOGNIZED', `This ${input.format.toUpperCase()} file holds ${what}: there is nothing to convert.`);
  }
  if (input.kind === 'image') return input;
  const format = formatForStreams(input.format, { video });
  return { ...input, format, kind: kindOfStreams({ video }) };
}

const ANIMATION_SCAN_BYTES = 8 * 1024 * 1024;

/** Whether a picture moves: an animated GIF, WEBP or PNG (from the bytes identifying it read, when it read them all). */
export async function isAnimatedPicture(input: IdentifiedInput): Promise<boolean> {
  if (input.format !== 'gif' && input.format !== 'png' && input.format !== 'webp') return false;
  return isAnimatedImage(input.wholeFile ?? await readFileHead(input.path, ANIMATION_SCAN_BYTES), input.format);
}

/** What Smart needs to pick a target: the real format and kind from the content, and whether a picture moves. */
export async function readSmartFacts(inputPath: string): Promise<SmartFacts> {
  const input = await identifyInput(inputPath);
  return { format: input.format, kind: input.kind, animated: await isAnimatedPicture(input) };
}
