import { crc32, inflateSync } from 'node:zlib';
import { PNG_SIGNATURE } from './pngMetadata.js';

/** What sharp's header read says of a plain PNG: no metadata, one picture. */
export interface PlainPng {
  width: number;
  height: number;
  hasAlpha: boolean;
}

/**
 * Chunks that carry neither metadata (EXIF, ICC, XMP, text) nor frames: a PNG made only of these is read
 * here without asking sharp. Any other chunk (iCCP, eXIf, tEXt, acTL, ...) leaves the file to sharp.
 */
const PLAIN_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'pHYs', 'bKGD', 'tIME', 'IDAT', 'IEND']);
/** Colour types with an alpha channel: grey + alpha, RGBA. */
const ALPHA_COLOUR_TYPES = new Set([4, 6]);
/** Bytes of a tRNS chunk per colour type: one grey level, one RGB colour; a palette's is at most one per entry. */
const TRANSPARENCY_BYTES: Record<number, number> = { 0: 2, 2: 6 };
const BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7: each pass's first column and row, and its steps. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
/** Image data above this many bytes once inflated is left to sharp rather than inflated twice. */
const MAX_INFLATED_BYTES = 64 * 2 ** 20;

/** The rows libpng will read, each a filter byte and its packed pixels: [row bytes, rows] per pass. */
function rowsOf(width: number, height: number, bitsPerPixel: number, interlaced: boolean): [number, number][] {
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  return passes
    .map(([x, y, dx, dy]): [number, number] => [Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)])
    .filter(([w, h]) => w > 0 && h > 0)
    .map(([w, h]) => [1 + Math.ceil((w * bitsPerPixel) / 8), h]);
}

/**
 * Whether the image data inflates, checksum and all, to exactly the rows the header promises, each with a
 * known filter: what libpng would otherwise find broken only while decoding.
 */
function imageDataWhole(idat: Uint8Array[], rows: [number, number][]): boolean {
  const expected = rows.reduce((n, [bytes, count]) => n + bytes * count, 0);
  if (expected > MAX_INFLATED_BYTES) return false;
  let pixels: Buffer;
  try {
    pixels = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    return false;
  }
  if (pixels.length !== expected) return false;
  let at = 0;
  for (const [bytes, count] of rows) {
    for (let row = 0; row < count; row++, at += bytes) if (pixels[at]! > 4) return false;
  }
  return true;
}

/**
 * The size and transparency of a whole PNG held in memory, when it is a plain one: every chunk whole with
 * a matching CRC, IHDR first, IDAT present, IEND last, only chunks from PLAIN_CHUNKS. Undefined otherwise,
 * and the caller asks sharp, which also judges a damaged file.
 */
export function readPlainPng(bytes: Uint8Array): PlainPng | undefined {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PlainPng | undefined;
  let transparentColour = false;
  let imageData = false;
  let previous = '';
  let colour = -1;
  let paletteEntries = -1;
  let rows: [number, number][] = [];
  const idat: Uint8Array[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (!PLAIN_CHUNKS.has(type)) return undefined;
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return undefined;
    if ((type === 'IHDR') !== (at === 8)) return undefined;
    // Everything but the image data comes before it; libpng ignores, or refuses, chunks out of that order.
    if (imageData && type !== 'IDAT' && type !== 'IEND') return undefined;
    if (imageData && type === 'IDAT' && previous !== 'IDAT') return undefined;
    if (type === 'IHDR') {
      if (length !== 13) return undefined;
      const width = view.getUint32(at + 8);
      const height = view.getUint32(at + 12);
      const depth = bytes[at + 16]!;
      const colourType = bytes[at + 17]!;
      if (width === 0 || height === 0 || !BIT_DEPTHS[colourType]?.includes(depth)) return undefined;
      if (bytes[at + 18] !== 0 || bytes[at + 19] !== 0 || bytes[at + 20]! > 1) return undefined;
      header = { width, height, hasAlpha: ALPHA_COLOUR_TYPES.has(colourType) };
      rows = rowsOf(width, height, depth * SAMPLES_PER_PIXEL[colourType]!, bytes[at + 20] === 1);
      colour = colourType;
    }
    if (type === 'PLTE') paletteEntries = length / 3;
    if (type === 'tRNS') {
      // libpng ignores a transparency chunk of the wrong size for its colour type; sharp then judges.
      const fits = colour === 3 ? length >= 1 && length <= paletteEntries : length === TRANSPARENCY_BYTES[colour];
      if (!fits) return undefined;
      transparentColour = true;
    }
    if (type === 'IDAT') {
      imageData = true;
      idat.push(bytes.subarray(at + 8, at + 8 + length));
    }
    if (type === 'PLTE' && (colour !== 3 || length % 3 !== 0 || length === 0 || length > 768)) return undefined;
    previous = type;
    if (type === 'IEND') {
      if (end !== bytes.length || !header || !imageData || length !== 0) return undefined;
      if (colour === 3 && paletteEntries < 0) return undefined;
      return imageDataWhole(idat, rows) ? { ...header, hasAlpha: header.hasAlpha || transparentColour } : undefined;
    }
    at = end;
  }
  return undefined;
}
