import type { ImageInfo } from '../../main/core/engine/ports.js';
import { readExifOrientation, readPhotoTags } from './exifTiff.js';

/**
 * The output check of a JPEG the encoder just made, read from its bytes before they reach the disk (reading
 * the file back through sharp cost more than converting a small picture). It is stricter than that read-back,
 * which stops at the first scan's header: every marker segment must be well formed and fit the file, the
 * frame header must agree with the tables defined before it, every scan must name the frame's components and
 * defined tables, the entropy-coded data must hold only stuffed bytes and restart markers in sequence, every
 * component must be coded, and the file must end exactly at its EOI. What it reports is what sharp's header
 * read reports (size, metadata blocks, orientation).
 *
 * Every sequential scan is Huffman-decoded block by block (the coefficients are read, not transformed), so a
 * damaged code or a scan that ends early or late is found as libjpeg would find it. What it cannot prove whole
 * gives undefined, and the caller decodes the file with sharp: progressive scans (a missing refinement scan
 * leaves a valid-looking file), restart intervals, arithmetic, lossless or hierarchical coding, an MPF image
 * appended after the EOI.
 */

export class JpegStructureError extends Error {}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DQT = 0xdb;
const DHT = 0xc4;
const DRI = 0xdd;
const COM = 0xfe;
const APP0 = 0xe0;
const APP15 = 0xef;
/** Huffman-coded frames: baseline, extended sequential, progressive. */
const HUFFMAN_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** Every other frame type (lossless, hierarchical, arithmetic): valid JPEG this reader leaves to sharp. */
const OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

const EXIF_PREFIX = 'Exif\0\0';
const ICC_PREFIX = 'ICC_PROFILE\0';
const MPF_PREFIX = 'MPF\0';
const IPTC_PREFIX = 'Photoshop 3.0\0';

interface Component {
  id: number;
  quantTable: number;
  coded: boolean;
  h: number;
  v: number;
}

interface Frame {
  progressive: boolean;
  width: number;
  height: number;
  components: Component[];
}

/** A Huffman table in canonical form (per code length, the largest code and where its symbols start) and a 9-bit lookup. */
export interface HuffmanTable {
  maxCode: Int32Array;
  valueOffset: Int32Array;
  symbols: Uint8Array;
  /** For each 9-bit prefix: (code length << 8) | symbol, or 0 when the code is longer. */
  fast: Int32Array;
}

/** A scan as the block walk needs it: each component with its tables, in scan order. */
interface Scan {
  components: { component: Component; dc: HuffmanTable; ac: HuffmanTable }[];
}

function fail(message: string): never {
  throw new JpegStructureError(message);
}

function startsWith(bytes: Uint8Array, at: number, end: number, prefix: string): boolean {
  if (end - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads a finished JPEG: its facts as sharp's header read gives them, or undefined for a kind of JPEG this
 * reader does not cover. Throws JpegStructureError, saying what is wrong, for a file that is not whole.
 */
export function readJpegOutput(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) fail('it does not start with a JPEG start-of-image marker');
  const quantTables = new Set<number>();
  const dcTables = new Map<number, HuffmanTable>();
  const acTables = new Map<number, HuffmanTable>();
  let proven = true;
  let frame: Frame | undefined;
  let restartInterval = 0;
  let scans = 0;
  let exif: Uint8Array | undefined;
  let icc = false;
  let xmpOrIptc = false;
  let at = 2;
  for (;;) {
    if (at + 2 > bytes.length) fail(`it ends at byte ${bytes.length} without an end-of-image marker`);
    if (bytes[at] !== 0xff) fail(`byte ${at} is not a marker`);
    const marker = bytes[at + 1]!;
    if (marker === EOI) {
      if (!frame) fail('it has no frame header');
      if (scans === 0) fail('it has no image data');
      const uncoded = frame.components.find((c) => !c.coded);
      if (uncoded) fail(`component ${uncoded.id} has no image data`);
      if (at + 2 !== bytes.length) fail(`${bytes.length - at - 2} bytes follow its end-of-image marker`);
      if (!proven || frame.progressive || restartInterval > 0) return undefined;
      return {
        format: 'jpeg',
        width: frame.width,
        height: frame.height,
        hasAlpha: false,
        orientation: orientationOf(exif),
        hasExif: exif !== undefined,
        photoTags: exif ? readPhotoTags(exif) : [],
        hasIcc: icc,
        pages: 1,
        hasXmpOrIptc: xmpOrIptc,
      };
    }
    if (at + 4 > bytes.length) fail(`it ends inside the marker at byte ${at}`);
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = at + 4;
    const end = at + 2 + length;
    if (length < 2) fail(`the segment at byte ${at} has length ${length}`);
    if (end > bytes.length) fail(`the segment at byte ${at} runs past the end of the file`);
    if (OTHER_FRAMES.has(marker)) return undefined;
    if (marker >= APP0 && marker <= APP15) {
      if (marker === 0xe1 && startsWith(bytes, body, end, EXIF_PREFIX)) {
        if (end - body > EXIF_PREFIX.length) exif = bytes.subarray(body + EXIF_PREFIX.length, end);
      } else if (marker === 0xe1 && startsWith(bytes, body, end, 'http')) {
        xmpOrIptc = true;
      } else if (marker === 0xe2 && startsWith(bytes, body, end, ICC_PREFIX)) {
        icc = true;
      } else if (marker === 0xe2 && startsWith(bytes, body, end, MPF_PREFIX)) {
        return undefined;
      } else if (marker === 0xed && startsWith(bytes, body, end, IPTC_PREFIX)) {
        xmpOrIptc = true;
      }
    } else if (marker === DQT) {
      readQuantTables(bytes, body, end, quantTables);
    } else if (marker === DHT) {
      readHuffmanTables(bytes, body, end, dcTables, acTables);
    } else if (marker === DRI) {
      if (length !== 4) fail(`its restart interval segment has length ${length}`);
      restartInterval = (bytes[body]! << 8) | bytes[body + 1]!;
    } else if (HUFFMAN_FRAMES.has(marker)) {
      if (frame) fail('it has two frame headers');
      frame = readFrame(bytes, body, end, marker === 0xc2, quantTables);
    } else if (marker === SOS) {
      if (!frame) fail('a scan comes before the frame header');
      const scan = readScanHeader(bytes, body, end, frame, dcTables, acTables);
      scans++;
      const dataEnd = skipEntropyData(bytes, end, restartInterval);
      if (!frame.progressive && restartInterval === 0) proven &&= walkScan(bytes, end, dataEnd, frame, scan);
      at = dataEnd;
      continue;
    } else if (marker !== COM) {
      fail(`it holds marker 0x${marker.toString(16)} at byte ${at}`);
    }
    at = end;
  }
}

/** libvips clamps the orientation it reads into 1..8. */
function orientationOf(exif: Uint8Array | undefined): number | undefined {
  const value = exif ? readExifOrientation(exif) : undefined;
  return value === undefined ? undefined : Math.min(8, Math.max(1, value));
}

function readQuantTables(bytes: Uint8Array, at: number, end: number, defined: Set<number>): void {
  if (at === end) fail('a quantization segment is empty');
  while (at < end) {
    const precision = bytes[at]! >> 4;
    const id = bytes[at]! & 15;
    if (precision > 1 || id > 3) fail(`quantization table ${id} has precision ${precision}`);
    at += 1 + 64 * (precision + 1);
    if (at > end) fail('a quantization table runs past its segment');
    defined.add(id);
  }
}

function readHuffmanTables(bytes: Uint8Array, at: number, end: number, dc: Map<number, HuffmanTable>, ac: Map<number, HuffmanTable>): void {
  if (at === end) fail('a Huffman segment is empty');
  while (at < end) {
    if (at + 17 > end) fail('a Huffman table runs past its segment');
    const tableClass = bytes[at]! >> 4;
    const id = bytes[at]! & 15;
    if (tableClass > 1 || id > 3) fail(`Huffman table ${tableClass}/${id} is not valid`);
    let symbols = 0;
    for (let i = 1; i <= 16; i++) symbols += bytes[at + i]!;
    if (symbols === 0 || symbols > 256) fail(`Huffman table ${tableClass}/${id} has ${symbols} symbols`);
    if (at + 17 + symbols > end) fail('a Huffman table runs past its segment');
    (tableClass === 0 ? dc : ac).set(id, huffmanTable(bytes.subarray(at + 1, at + 17), bytes.subarray(at + 17, at + 17 + symbols)));
    at += 17 + symbols;
  }
}

function readFrame(bytes: Uint8Array, at: number, end: number, progressive: boolean, quantTables: Set<number>): Frame {
  if (end - at < 6) fail('its frame header is too short');
  const precision = bytes[at]!;
  const height = (bytes[at + 1]! << 8) | bytes[at + 2]!;
  const width = (bytes[at + 3]! << 8) | bytes[at + 4]!;
  const count = bytes[at + 5]!;
  if (precision !== 8 && precision !== 12) fail(`its frame has ${precision}-bit samples`);
  if (width === 0 || height === 0) fail(`its frame is ${width}x${height}`);
  if (count !== 1 && count !== 3 && count !== 4) fail(`its frame has ${count} components`);
  if (end - at !== 6 + 3 * count) fail('its frame header length does not match its components');
  const components: Component[] = [];
  for (let i = 0; i < count; i++) {
    const c = at + 6 + 3 * i;
    const h = bytes[c + 1]! >> 4;
    const v = bytes[c + 1]! & 15;
    const quantTable = bytes[c + 2]!;
    if (h < 1 || h > 4 || v < 1 || v > 4) fail(`component ${bytes[c]} has sampling ${h}x${v}`);
    if (!quantTables.has(quantTable)) fail(`component ${bytes[c]} uses quantization table ${quantTable}, which is not defined`);
    if (components.some((o) => o.id === bytes[c])) fail(`component ${bytes[c]} appears twice`);
    components.push({ id: bytes[c]!, quantTable, coded: false, h, v });
  }
  return { progressive, width, height, components };
}

function readScanHeader(bytes: Uint8Array, at: number, end: number, frame: Frame, dc: Map<number, HuffmanTable>, ac: Map<number, HuffmanTable>): Scan {
  const count = bytes[at] ?? 0;
  if (count < 1 || count > 4 || end - at !== 4 + 2 * count) fail('a scan header does not match its length');
  const start = bytes[at + 1 + 2 * count]!;
  const stop = bytes[at + 2 + 2 * count]!;
  const approximation = bytes[at + 3 + 2 * count]!;
  const firstDc = start === 0 && (approximation >> 4) === 0;
  if (frame.progressive) {
    if (start > stop || stop > 63 || (start === 0 && stop !== 0) || (start > 0 && count !== 1)) fail(`a progressive scan covers coefficients ${start}..${stop}`);
  } else if (start !== 0 || stop !== 63 || approximation !== 0) {
    fail(`a sequential scan covers coefficients ${start}..${stop}`);
  }
  const scan: Scan = { components: [] };
  for (let i = 0; i < count; i++) {
    const id = bytes[at + 1 + 2 * i]!;
    const dcTable = bytes[at + 2 + 2 * i]! >> 4;
    const acTable = bytes[at + 2 + 2 * i]! & 15;
    const component = frame.components.find((c) => c.id === id);
    if (!component) fail(`a scan names component ${id}, which the frame does not have`);
    if (firstDc && !dc.has(dcTable)) fail(`a scan uses DC table ${dcTable}, which is not defined`);
    if (stop > 0 && !ac.has(acTable)) fail(`a scan uses AC table ${acTable}, which is not defined`);
    if (firstDc) component.coded = true;
    if (!frame.progressive) scan.components.push({ component, dc: dc.get(dcTable)!, ac: ac.get(acTable)! });
  }
  return scan;
}

const FAST_BITS = 9;

export function huffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valueOffset = new Int32Array(18);
  const fast = new Int32Array(1 << FAST_BITS);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    if (n > 0) {
      valueOffset[length] = k - code;
      for (let i = 0; i < n && length <= FAST_BITS; i++) {
        const first = (code + i) << (FAST_BITS - length);
        fast.fill((length << 8) | symbols[k + i]!, first, first + (1 << (FAST_BITS - length)));
      }
      code += n;
      k += n;
      maxCode[length] = code - 1;
    }
    code <<= 1;
  }
  return { maxCode, valueOffset, symbols, fast };
}

/**
 * Bytes of zeros after the data: a look ahead past the end reads zeros, as libjpeg does, and a walk that checks
 * for the end once per block (at most 64 codes of 32 bits each) stays inside the buffer.
 */
const SPARE_BYTES = 264;

/** Entropy-coded bits between `at` and the marker at `end`, stuffed zero bytes removed first. */
export class BitReader {
  private readonly view: DataView;
  private readonly bits: number;
  private position = 0;

  constructor(bytes: Uint8Array, at: number, end: number) {
    const data = new Uint8Array(end - at + SPARE_BYTES);
    let n = 0;
    // Runs between stuffed 0xFF 0x00 pairs are copied whole.
    for (let from = at; from < end;) {
      const ff = bytes.indexOf(0xff, from);
      const stop = ff < 0 || ff >= end ? end : ff + 1;
      data.set(bytes.subarray(from, stop), n);
      n += stop - from;
      from = stop + (stop === ff + 1 ? 1 : 0);
    }
    this.view = new DataView(data.buffer);
    this.bits = n * 8;
  }

  get exhausted(): boolean {
    return this.position > this.bits;
  }

  /** The next `n` bits (1 to 25), not consumed. */
  private peek(n: number): number {
    const p = this.position;
    return (this.view.getUint32(p >> 3) << (p & 7)) >>> (32 - n);
  }

  /** The next `n` bits (at most 16) as a number, consumed. */
  take(n: number): number {
    if (n === 0) return 0;
    const value = this.peek(n);
    this.position += n;
    return value;
  }

  /**
   * The next Huffman symbol and the extra bits that follow it (a DC symbol's own count, an AC symbol's low four
   * bits), both consumed, as (symbol << 16) | bits; -1 for a code the table lacks. A DC symbol above 16 counts
   * no bits: it is invalid, and the caller refuses it.
   */
  token(table: HuffmanTable, dc: boolean): number {
    const p = this.position;
    // 25 valid bits from here, in the high bits: most codes and their extra bits are read from this one load.
    const word = this.view.getUint32(p >> 3) << (p & 7);
    const entry = table.fast[word >>> (32 - FAST_BITS)]!;
    const symbol = entry !== 0 ? entry & 0xff : this.decode(table);
    if (symbol < 0) return -1;
    const length = entry >> 8;
    const n = dc ? (symbol > 16 ? 0 : symbol) : symbol & 15;
    if (entry === 0) return (symbol << 16) | this.take(n);
    if (n === 0) {
      this.position = p + length;
      return symbol << 16;
    }
    if (length + n <= 25) {
      this.position = p + length + n;
      return (symbol << 16) | ((word << length) >>> (32 - n));
    }
    this.position = p + length;
    return (symbol << 16) | this.take(n);
  }

  decode(table: HuffmanTable): number {
    const entry = table.fast[this.peek(FAST_BITS)]!;
    if (entry !== 0) {
      this.position += entry >> 8;
      return entry & 0xff;
    }
    const code16 = this.peek(16);
    for (let length = FAST_BITS + 1; length <= 16; length++) {
      const code = code16 >>> (16 - length);
      if (code <= table.maxCode[length]!) {
        this.position += length;
        return table.symbols[table.valueOffset[length]! + code]!;
      }
    }
    return -1;
  }

  /** Whether the data ended exactly: every byte used, the unused bits of the last one all ones (padding). */
  endsExactly(): boolean {
    const spare = (8 - (this.position & 7)) & 7;
    return !this.exhausted && this.position + spare === this.bits && (spare === 0 || this.peek(spare) === (1 << spare) - 1);
  }
}

/** Entropy data above this many bytes is left to sharp's decoder, which is faster on a large picture. */
const MAX_WALKED_BYTES = 4 * 2 ** 20;

/**
 * Decodes every block of a sequential scan without a restart interval: whether each Huffman code is valid, the
 * coefficients stay within the block, and the data ends exactly after the last block. False when not proven.
 */
function walkScan(bytes: Uint8Array, at: number, end: number, frame: Frame, scan: Scan): boolean {
  if (end - at > MAX_WALKED_BYTES) return false;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const reader = new BitReader(bytes, at, end);
  const blocks: { dc: HuffmanTable; ac: HuffmanTable }[] = [];
  let mcus: number;
  if (scan.components.length === 1) {
    const { component, dc, ac } = scan.components[0]!;
    const wide = Math.ceil(Math.ceil((frame.width * component.h) / hMax) / 8);
    const high = Math.ceil(Math.ceil((frame.height * component.v) / vMax) / 8);
    mcus = wide * high;
    blocks.push({ dc, ac });
  } else {
    mcus = Math.ceil(frame.width / (8 * hMax)) * Math.ceil(frame.height / (8 * vMax));
    for (const { component, dc, ac } of scan.components) for (let i = 0; i < component.h * component.v; i++) blocks.push({ dc, ac });
  }
  for (let mcu = 0; mcu < mcus; mcu++) {
    for (const { dc, ac } of blocks) {
      const first = reader.token(dc, true);
      if (first < 0 || first >>> 16 > 16) return false;
      for (let k = 1; k < 64; ) {
        const token = reader.token(ac, false);
        if (token < 0) return false;
        const run = token >>> 20;
        const bits = (token >>> 16) & 15;
        if (bits === 0) {
          if (run !== 15) break;
          k += 16;
        } else {
          k += run;
          if (k > 63) return false;
          k++;
        }
        if (k > 64) return false;
      }
      if (reader.exhausted) return false;
    }
  }
  return reader.endsExactly();
}

/** The position of the marker that ends a scan's entropy-coded data. */
function skipEntropyData(bytes: Uint8Array, at: number, restartInterval: number): number {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let restarts = 0;
  let segmentStart = at;
  for (;;) {
    const ff = data.indexOf(0xff, at);
    if (ff < 0 || ff + 1 >= bytes.length) fail('its image data is cut off before the end-of-image marker');
    const next = bytes[ff + 1]!;
    if (next === 0x00) {
      at = ff + 2;
      continue;
    }
    if (next >= 0xd0 && next <= 0xd7) {
      if (restartInterval === 0) fail(`it holds a restart marker at byte ${ff} without a restart interval`);
      if ((next & 7) !== restarts % 8) fail(`restart marker ${next & 7} at byte ${ff} is out of sequence`);
      if (ff === segmentStart) fail(`the restart interval ending at byte ${ff} is empty`);
      restarts++;
      at = ff + 2;
      segmentStart = at;
      continue;
    }
    if (ff === segmentStart) fail(`the scan ending at byte ${ff} has no data`);
    return ff;
  }
}
