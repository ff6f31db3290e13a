import { closeSync } from 'node:fs';
import { AppError } from '../../errors.js';
import { openUserInput } from '../../userInputFile.js';
import { fileSource, type ByteSource } from './byteSource.js';
import { cutShortFlac } from './cutShortFlac.js';
import { cutShortMatroska } from './cutShortMatroska.js';
import { cutShortMovie } from './cutShortMovie.js';
import { cutShortMp3 } from './cutShortMp3.js';
import { cutShortOgg } from './cutShortOgg.js';
import { cutShortAvi, cutShortSoundChunks } from './cutShortRiff.js';
import { cutShortTransport } from './cutShortTransport.js';

/** How much of a file is there when its own structure says it goes on past the file's end. */
export interface CutShort {
  presentBytes: number;
  /** How long the file says it is; undefined when it proves it was cut but not by how much (a live recording). */
  declaredBytes?: number;
}

/** The container readers, by the demuxer an input was identified for. */
const READERS: Record<string, (source: ByteSource, skipBytes?: number) => CutShort | undefined> = {
  matroska: cutShortMatroska,
  avi: cutShortAvi,
  wav: cutShortSoundChunks,
  aiff: cutShortSoundChunks,
  mp3: cutShortMp3,
  flac: cutShortFlac,
  ogg: cutShortOgg,
  mpegts: cutShortTransport,
};

/**
 * Whether a video or sound file ends before its own structure does: an interrupted download, copy or recording.
 * Undefined when it ends whole, when its container is not one read here, or when it cannot be read.
 */
export function cutShortInput(input: { path: string; demuxer: string; skipBytes?: number }): CutShort | undefined {
  try {
    if (input.demuxer === 'mov') return cutShortMovie(input.path, input.skipBytes);
    const reader = READERS[input.demuxer];
    if (!reader) return undefined;
    const { fd, size } = openUserInput(input.path);
    try {
      return reader(fileSource(fd, size), input.skipBytes);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * The containers whose readers only claim a cut from sizes the file itself declares (or an element cut at its end, or
 * an Ogg's last page without its end-of-stream flag, a TS's last packet begun and not ended), asked also after a
 * conversion that passed its check: an Ogg or a TS cut short converts what is there (its length is read from its end). An MP4/MOV box or an MP3 header count can be
 * garbage in a damaged file that converts well; those are asked only when the output failed.
 */
const SAID_WHEN_CONVERTED = new Set(['matroska', 'avi', 'wav', 'aiff', 'ogg', 'mpegts']);

/**
 * A FLAC cut short is refused even when its output passed its check: its STREAMINFO counts the samples that are
 * missing, and a FLAC copied from it keeps that count (a player shows 20 s and stops at 12).
 */
const REFUSED_WHEN_CONVERTED = new Set(['flac']);

/** Whether an input whose conversion passed its check was cut short, for a note; a FLAC cut short fails with `cutShortError`. */
export function cutShortOfConverted(input: { path: string; demuxer: string; skipBytes?: number }): CutShort | undefined {
  if (REFUSED_WHEN_CONVERTED.has(input.demuxer)) {
    const cut = cutShortInput(input);
    if (cut) throw cutShortError(cut);
    return undefined;
  }
  return SAID_WHEN_CONVERTED.has(input.demuxer) ? cutShortInput(input) : undefined;
}

/** What is known of a file cut short, in one set of words for every container. */
function cutShortWords(cut: CutShort): string {
  const how = cut.declaredBytes === undefined
    ? 'its end is missing'
    : `only ${Math.min(99, Math.max(1, Math.floor((cut.presentBytes / cut.declaredBytes) * 100)))} % of its data is there`;
  return `This file is cut short: ${how} (a recording or a copy that was interrupted)`;
}

/** The error a file cut short fails with when its output cannot be whole. */
export function cutShortError(cut: CutShort): AppError {
  return new AppError('INPUT_CORRUPT', `${cutShortWords(cut)}, so it cannot be converted whole. Copy it again from where it came from.`);
}

/** The note a converted file gets when its input was cut short but what is there converted right (its header claimed no more). */
export function cutShortNote(cut: CutShort): string {
  return `${cutShortWords(cut)}; the part that is there was converted. Copy it again from where it came from to convert it whole.`;
}
