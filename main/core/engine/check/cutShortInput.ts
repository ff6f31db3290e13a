import { closeSync } from 'node:fs';
import { AppError } from '../../errors.js';
import { openUserInput } from '../../userInputFile.js';
import { fileSource, type ByteSource } from './byteSource.js';
import { cutShortMatroska } from './cutShortMatroska.js';
import { cutShortMovie } from './cutShortMovie.js';
import { cutShortMp3 } from './cutShortMp3.js';
import { cutShortAvi, cutShortSoundChunks } from './cutShortRiff.js';

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

/** The error a file cut short fails with, in one set of words for every container. */
export function cutShortError(cut: CutShort): AppError {
  const how = cut.declaredBytes === undefined
    ? 'its end is missing'
    : `only ${Math.min(99, Math.max(1, Math.floor((cut.presentBytes / cut.declaredBytes) * 100)))} % of its data is there`;
  return new AppError('INPUT_CORRUPT', `This file is cut short: ${how} (a recording or a copy that was interrupted), so it cannot be converted whole. Copy it again from where it came from.`);
}
