import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InputFormat } from '../formats.js';
import { ensureScratch, openScratch } from '../engine/run/outputFiles.js';
import { openUserInputHandle } from '../userInputFile.js';

/**
 * Removes where a photo was taken and which camera (by serial number) took it, before the photo leaves this
 * machine. Edits are made in place in a copy and keep every byte offset, so the container stays valid: the
 * EXIF GPS directory is emptied and its values zeroed, serial-number tags and the maker note (where makers
 * keep serials) are zeroed, and XMP packets are blanked with spaces. Camera make, model and date stay.
 */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const EXIF_IFD = 0x8769;
const GPS_IFD = 0x8825;
const MAKER_NOTE = 0x927c;
const SERIAL_TAGS = new Set([0xa431 /* BodySerialNumber */, 0xa435 /* LensSerialNumber */, 0xc62f /* CameraSerialNumber */]);

/** Formats whose metadata this module can strip; other photos are not uploaded when stripping is asked for. */
export const STRIPPABLE_PHOTO_FORMATS: readonly InputFormat[] = ['jpg', 'heic'];

function scrubTiff(tiff: Uint8Array): void {
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0] ?? 0, tiff[1] ?? 0);
  if (order !== 'II' && order !== 'MM') return;
  const little = order === 'II';
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const inside = (at: number, size: number) => at >= 0 && at + size <= tiff.length;
  const entriesOf = (ifd: number) => {
    if (!inside(ifd, 2)) return [];
    const out: { at: number; tag: number; valueAt: number; size: number }[] = [];
    for (let i = 0; i < u16(ifd); i++) {
      const at = ifd + 2 + i * 12;
      if (!inside(at, 12)) break;
      const size = (TYPE_SIZES[u16(at + 2)] ?? 1) * u32(at + 4);
      out.push({ at, tag: u16(at), valueAt: size <= 4 ? at + 8 : u32(at + 8), size });
    }
    return out;
  };
  const zero = (at: number, size: number) => {
    if (inside(at, size)) tiff.fill(0, at, at + size);
  };
  const ifd0 = u32(4);
  const pointer = (tag: number) => {
    const entry = entriesOf(ifd0).find((e) => e.tag === tag);
    return entry ? u32(entry.at + 8) : 0;
  };
  const gps = pointer(GPS_IFD);
  if (gps > 0 && inside(gps, 2)) {
    for (const entry of entriesOf(gps)) {
      zero(entry.valueAt, entry.size);
      zero(entry.at, 12);
    }
    view.setUint16(gps, 0, little);
  }
  for (const entry of [...entriesOf(ifd0), ...entriesOf(pointer(EXIF_IFD))]) {
    if (SERIAL_TAGS.has(entry.tag) || entry.tag === MAKER_NOTE) zero(entry.valueAt, entry.size);
  }
}

function indexOf(bytes: Uint8Array, text: string, from: number): number {
  const needle = Buffer.from(text, 'latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from);
}

/** Blanks every XMP packet (`<x:xmpmeta ...>...</x:xmpmeta>`) with spaces, keeping its length. */
function blankXmp(bytes: Uint8Array): void {
  let from = 0;
  for (;;) {
    const start = indexOf(bytes, '<x:xmpmeta', from);
    if (start < 0) return;
    const close = indexOf(bytes, '</x:xmpmeta>', start);
    const end = close < 0 ? start + '<x:xmpmeta'.length : close + '</x:xmpmeta>'.length;
    bytes.fill(0x20, start, end);
    from = end;
  }
}

/** Every EXIF block in a JPEG's APP1 segments. */
function jpegExifBlocks(bytes: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'Exif') blocks.push(bytes.subarray(at + 10, at + 2 + length));
    at += 2 + length;
  }
  return blocks;
}

/** EXIF payloads in a HEIF file: the TIFF headers inside `Exif` items (the 4-byte offset prefix is skipped by the search). */
function heifExifBlocks(bytes: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (const signature of ['Exif\0\0MM\0*', 'Exif\0\0II*\0']) {
    let from = 0;
    for (;;) {
      const at = indexOf(bytes, signature, from);
      if (at < 0) break;
      blocks.push(bytes.subarray(at + 6));
      from = at + signature.length;
    }
  }
  return blocks;
}

/** The photo's bytes without GPS, serial numbers, maker note or XMP; undefined for a format this cannot strip. */
export function strippedPhotoBytes(bytes: Uint8Array, format: InputFormat): Uint8Array | undefined {
  if (!STRIPPABLE_PHOTO_FORMATS.includes(format)) return undefined;
  const copy = new Uint8Array(bytes);
  const blocks = format === 'jpg' ? jpegExifBlocks(copy) : heifExifBlocks(copy);
  // A HEIF that names an Exif item this search cannot find is not uploaded rather than uploaded unstripped.
  if (format === 'heic' && blocks.length === 0 && indexOf(copy, 'Exif', 0) >= 0) return undefined;
  for (const block of blocks) scrubTiff(block);
  blankXmp(copy);
  return copy;
}

/** A stripped copy of a photo in the job's scratch folder (recorded before it exists), and the function that removes it. */
export async function strippedPhotoCopy(inputPath: string, format: InputFormat, scratchDir: string | undefined): Promise<{ path: string; sizeBytes: number; remove(): Promise<void> } | undefined> {
  const { handle } = await openUserInputHandle(inputPath);
  let bytes: Buffer;
  try {
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const stripped = strippedPhotoBytes(bytes, format);
  if (!stripped) return undefined;
  const scratch = await openScratch(scratchDir);
  const file = path.join(scratch.dir, `upload.${format}`);
  const remove = async () => {
    await rm(file, { force: true });
    await scratch.remove();
  };
  try {
    await ensureScratch(scratch.dir);
    await writeFile(file, stripped);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path: file, sizeBytes: stripped.length, remove };
}
