import { closeSync } from 'node:fs';
import { extname } from 'node:path';
import { formatLabel, inputFormatFromName, pairLabel, type OutputFormat } from './formats.js';
import { SNIFF_HEAD_BYTES, sniffContainer } from './engine/identify/sniff.js';
import { openUserInput, readOpened } from './userInputFile.js';

/** What a pair's input is called when nothing recognised it. */
export const UNRECOGNISED_INPUT = 'Unrecognised file';

/** The input side of a pair from the file's name: its known format, else its extension in capitals, else "Unrecognised file". */
export function inputNameOf(input: string): string {
  const format = inputFormatFromName(input);
  if (format) return formatLabel(format);
  const extension = extname(input).slice(1);
  return /^[A-Za-z0-9]{1,8}$/.test(extension) ? extension.toUpperCase() : UNRECOGNISED_INPUT;
}

/** The pair a job will be from the input's name, until its content says otherwise. */
export function pairFromName(input: string, target: OutputFormat): string {
  const format = inputFormatFromName(input);
  return format ? pairLabel(format, target) : `${inputNameOf(input)}->${formatLabel(target)}`;
}

/** The file's first bytes, opened as every user input is (never waiting on a pipe); undefined when it is not a readable file. */
function headOf(input: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openUserInput(input).fd;
    return readOpened(fd, SNIFF_HEAD_BYTES);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The pair of a job that ended without a result: named by what its first bytes are when they are a known format, else by its name. */
export function pairFromContent(input: string, target: OutputFormat): string {
  const head = headOf(input);
  const sniffed = head ? sniffContainer(head) : undefined;
  return sniffed?.kind === 'media' ? pairLabel(sniffed.format, target) : pairFromName(input, target);
}
