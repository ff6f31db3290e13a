import { closeSync } from 'node:fs';
import { extname } from 'node:path';
import { formatLabel, inputFormatFromName, pairLabel, type InputFormat, type OutputFormat } from './formats.js';
import { SNIFF_HEAD_BYTES, sniffContainer, type Sniff } from './engine/identify/sniff.js';
import { isSvgDrawing } from './engine/identify/identifyInput.js';
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

/** What bytes that are no media are called in a pair ("Text file->MP4"). */
const NOT_MEDIA_LABEL: Record<Exclude<Sniff['kind'], 'media'>, string> = { text: 'Text file', program: 'Program', playlist: 'Playlist', empty: 'Empty file', unknown: UNRECOGNISED_INPUT };

/**
 * What a job that ended without a result knows its input's bytes to be: a known format, or no media at all
 * (with what they are instead); undefined when its name is all there is (an unreadable file, or bytes only
 * identification could judge and it did not refuse, such as an MP3 behind junk bytes).
 */
export type InputContent = { format: InputFormat } | { notMedia: string } | undefined;

export function contentOf(input: string, errorCode?: string): InputContent {
  const head = headOf(input);
  if (!head) return undefined;
  const sniffed = sniffContainer(head);
  if (sniffed.kind === 'media') return { format: sniffed.format };
  // Identification refuses every file whose first bytes are not a known format, an MP3 behind junk bytes excepted.
  if (sniffed.kind === 'unknown' && errorCode !== 'FORMAT_UNRECOGNIZED') return undefined;
  return { notMedia: sniffed.kind === 'text' && isSvgDrawing(head) ? 'SVG drawing' : NOT_MEDIA_LABEL[sniffed.kind] };
}

/**
 * The pair of a job that ended without a result: named by what its first bytes are when they are a known
 * format, by what they are instead when its name claims a format they are not ("Text file->MP4"), else by its name.
 */
export function pairFromContent(input: string, target: OutputFormat, content: InputContent = contentOf(input)): string {
  if (content && 'format' in content) return pairLabel(content.format, target);
  if (content && inputFormatFromName(input)) return `${content.notMedia}->${formatLabel(target)}`;
  return pairFromName(input, target);
}
