import { closeSync } from 'node:fs';
import { fileBoxes } from '../identify/fileBoxes.js';
import { openUserInput } from '../../userInputFile.js';
import type { CutShort } from './cutShortInput.js';

/**
 * Whether an MP4/MOV file ends inside one of its top-level boxes: a recording or copy that was interrupted after
 * the movie header was written at the front. Undefined when every box ends within the file (or it is not read as boxes).
 */
export function cutShortMovie(path: string, skipBytes = 0): CutShort | undefined {
  const { fd, size } = openUserInput(path);
  try {
    const last = fileBoxes(fd, size, skipBytes).boxes.at(-1);
    return last && last.at + last.size > size ? { presentBytes: size, declaredBytes: last.at + last.size } : undefined;
  } finally {
    closeSync(fd);
  }
}
