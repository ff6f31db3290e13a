import type { PhotoTag } from '../../main/core/engine/ports.js';
import { openUserInputHandle } from '../../main/core/userInputFile.js';
/**
 * Small, dependency-free edits of a TIFF-structured EXIF block: read and reset the orientation,
 * and rebuild a block that fits one JPEG APP1 segment by leaving out the maker note and the thumbnail.
 */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const ORIENTATION = 0x0112;
const EXIF_IFD = 0x8769;
const GPS_IFD = 0x8825;
const INTEROP_IFD = 0xa005;
const MAKER_NOTE = 0x927c;

interface Entry {
  tag: number;
  type: number;
  count: number;
  data: Uint8Array;
}

class Tiff {
  readonly view: DataView;
  readonly little: boolean;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
    if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF/EXIF block');
    this.little = order === 'II';
  }
  u16(at: number): number { return this.view.getUint16(at, this.little); }
  u32(at: number): number { return this.view.getUint32(at, this.little); }
  firstIfd(): number { return this.u32(4); }

  entries(ifd: number): Entry[] {
    if (ifd <= 0 || ifd + 2 > this.bytes.length) return [];
    const count = this.u16(ifd);
    const out: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      if (at + 12 > this.bytes.length) break;
      const tag = this.u16(at);
      const type = this.u16(at + 2);
      const n = this.u32(at + 4);
      const size = (TYPE_SIZES[type] ?? 1) * n;
      const dataAt = size <= 4 ? at + 8 : this.u32(at + 8);
      if (dataAt + size > this.bytes.length) continue;
      out.push({ tag, type, count: n, data: this.bytes.subarray(dataAt, dataAt + size) });
    }
    return out;
  }

  /** Absolute position of the value field of `tag` in the IFD at `ifd`. */
  valuePosition(ifd: number, tag: number): { at: number; type: number } | undefined {
    const count = this.u16(ifd);
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      if (at + 12 > this.bytes.length) return undefined;
      if (this.u16(at) === tag) return { at: at + 8, type: this.u16(at + 2) };
    }
    return undefined;
  }
}

export function readExifOrientation(tiffBytes: Uint8Array): number | undefined {
  try {
    const tiff = new Tiff(tiffBytes);
    const pos = tiff.valuePosition(tiff.firstIfd(), ORIENTATION);
    return pos ? tiff.u16(pos.at) : undefined;
  } catch {
    return undefined;
  }
}

/** A copy of the block with orientation 1 ("pixels are already upright"). */
export function withOrientationReset(tiffBytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(tiffBytes);
  try {
    const tiff = new Tiff(copy);
    const pos = tiff.valuePosition(tiff.firstIfd(), ORIENTATION);
    if (pos && pos.type === 3) tiff.view.setUint16(pos.at, 1, tiff.little);
  } catch {
    return copy;
  }
  return copy;
}

/**
 * Rebuilds the block with IFD0, the EXIF IFD and the GPS IFD only: no maker note, no interop IFD and
 * no thumbnail. Date taken, GPS, camera make and model and exposure data survive.
 */
export function compactExif(tiffBytes: Uint8Array): Uint8Array {
  const tiff = new Tiff(tiffBytes);
  const ifd0 = tiff.entries(tiff.firstIfd());
  const pointer = (tag: number) => {
    const entry = ifd0.find((e) => e.tag === tag);
    return entry && entry.data.length >= 4 ? new DataView(entry.data.buffer, entry.data.byteOffset, 4).getUint32(0, tiff.little) : 0;
  };
  return serializeExif(tiff.little, ifd0, tiff.entries(pointer(EXIF_IFD)), tiff.entries(pointer(GPS_IFD)));
}

/** Writes an EXIF block of IFD0, the EXIF IFD (without maker note and interop pointer) and the GPS IFD. */
function serializeExif(little: boolean, ifd0: Entry[], exif: Entry[], gps: Entry[]): Uint8Array {
  const exifEntries = exif.filter((e) => e.tag !== MAKER_NOTE && e.tag !== INTEROP_IFD);
  const gpsEntries = gps;
  const base = ifd0.filter((e) => e.tag !== EXIF_IFD && e.tag !== GPS_IFD);

  const ifds: { entries: Entry[]; pointerTag?: number }[] = [{ entries: base }];
  if (exifEntries.length > 0) ifds.push({ entries: exifEntries, pointerTag: EXIF_IFD });
  if (gpsEntries.length > 0) ifds.push({ entries: gpsEntries, pointerTag: GPS_IFD });
  const pointerEntries = ifds.slice(1).map((ifd) => ({ tag: ifd.pointerTag!, type: 4, count: 1, data: new Uint8Array(4) }));
  ifds[0]!.entries = [...base, ...pointerEntries].sort((a, b) => a.tag - b.tag);

  const ifdSize = (entries: Entry[]) => 2 + entries.length * 12 + 4;
  const dataSize = (entries: Entry[]) => entries.reduce((n, e) => n + (e.data.length > 4 ? e.data.length + (e.data.length % 2) : 0), 0);
  const total = 8 + ifds.reduce((n, ifd) => n + ifdSize(ifd.entries) + dataSize(ifd.entries), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = out[1] = little ? 0x49 : 0x4d;
  view.setUint16(2, 42, little);
  view.setUint32(4, 8, little);

  const offsets: number[] = [];
  let cursor = 8;
  for (const ifd of ifds) {
    offsets.push(cursor);
    cursor += ifdSize(ifd.entries) + dataSize(ifd.entries);
  }
  ifds.forEach((ifd, index) => {
    const start = offsets[index]!;
    let dataAt = start + ifdSize(ifd.entries);
    view.setUint16(start, ifd.entries.length, little);
    ifd.entries.forEach((entry, i) => {
      const at = start + 2 + i * 12;
      view.setUint16(at, entry.tag, little);
      view.setUint16(at + 2, entry.type, little);
      view.setUint32(at + 4, entry.count, little);
      const target = ifds.findIndex((other) => other.pointerTag === entry.tag);
      if (index === 0 && target > 0) {
        view.setUint32(at + 8, offsets[target]!, little);
      } else if (entry.data.length <= 4) {
        out.set(entry.data, at + 8);
      } else {
        view.setUint32(at + 8, dataAt, little);
        out.set(entry.data, dataAt);
        dataAt += entry.data.length + (entry.data.length % 2);
      }
    });
    view.setUint32(start + 2 + ifd.entries.length * 12, 0, little);
  });
  return out;
}

const MAKE = 0x010f;
const MODEL = 0x0110;
const DATE_TIME_ORIGINAL = 0x9003;
const GPS_LATITUDE = 0x0002;

/** Which of the photo facts users judge a converter by an EXIF block holds: date taken, GPS position, camera. */
export function readPhotoTags(tiffBytes: Uint8Array): PhotoTag[] {
  try {
    return photoTagsOf(new Tiff(tiffBytes));
  } catch {
    // A block too short for its own header or IFD holds no facts that can be read.
    return [];
  }
}

function photoTagsOf(tiff: Tiff): PhotoTag[] {
  const ifd0 = tiff.entries(tiff.firstIfd());
  const pointer = (tag: number) => {
    const entry = ifd0.find((e) => e.tag === tag);
    return entry && entry.data.length === 4 ? new DataView(entry.data.buffer, entry.data.byteOffset, 4).getUint32(0, tiff.little) : 0;
  };
  const tags: PhotoTag[] = [];
  if (tiff.entries(pointer(EXIF_IFD)).some((e) => e.tag === DATE_TIME_ORIGINAL)) tags.push('dateTaken');
  if (tiff.entries(pointer(GPS_IFD)).some((e) => e.tag === GPS_LATITUDE)) tags.push('gps');
  if (ifd0.some((e) => e.tag === MAKE) || ifd0.some((e) => e.tag === MODEL)) tags.push('camera');
  return tags;
}

const DATE_TIME = 0x0132;
/** IFD0 tags of a photo's EXIF that a TIFF output takes over: camera and date. */
const TIFF_IFD0_TAGS = new Set([MAKE, MODEL, DATE_TIME]);

/** Byte-swaps the values of one entry when the EXIF block and the TIFF file disagree on byte order. */
function inByteOrder(entry: Entry, from: boolean, to: boolean): Uint8Array {
  const unit = entry.type === 5 || entry.type === 10 ? 4 : TYPE_SIZES[entry.type] ?? 1;
  if (from === to || unit === 1) return entry.data;
  const out = new Uint8Array(entry.data);
  for (let at = 0; at + unit <= out.length; at += unit) out.subarray(at, at + unit).reverse();
  return out;
}

/**
 * Gives a TIFF file written without EXIF (libvips' TIFF writer keeps none) the date taken, GPS position and
 * camera of a photo's EXIF block: a new first IFD with the camera and date tags and pointers to copies of the
 * EXIF and GPS IFDs, all appended after the existing file, whose pixel data and offsets stay where they are.
 */
export function withExifInTiff(tiffFile: Uint8Array, exif: Uint8Array): Uint8Array {
  const file = new Tiff(tiffFile);
  const source = new Tiff(exif);
  const ifd0At = file.firstIfd();
  const count = file.u16(ifd0At);
  const kept = Array.from({ length: count }, (_, i) => ({ tag: file.u16(ifd0At + 2 + i * 12), raw: tiffFile.subarray(ifd0At + 2 + i * 12, ifd0At + 14 + i * 12) }));
  const nextIfd = file.u32(ifd0At + 2 + count * 12);
  const sourceIfd0 = source.entries(source.firstIfd());
  const pointer = (tag: number) => {
    const entry = sourceIfd0.find((e) => e.tag === tag);
    return entry && entry.data.length === 4 ? new DataView(entry.data.buffer, entry.data.byteOffset, 4).getUint32(0, source.little) : 0;
  };
  const taken = sourceIfd0.filter((e) => TIFF_IFD0_TAGS.has(e.tag) && !kept.some((k) => k.tag === e.tag));
  const subIfds = [
    { tag: EXIF_IFD, entries: source.entries(pointer(EXIF_IFD)).filter((e) => e.tag !== MAKER_NOTE && e.tag !== INTEROP_IFD) },
    { tag: GPS_IFD, entries: source.entries(pointer(GPS_IFD)) },
  ].filter((ifd) => ifd.entries.length > 0 && !kept.some((k) => k.tag === ifd.tag));

  const little = file.little;
  const chunks: Uint8Array[] = [];
  let end = tiffFile.length + (tiffFile.length % 2);
  const place = (bytes: Uint8Array): number => {
    const at = end;
    chunks.push(bytes);
    end += bytes.length;
    if (bytes.length % 2) {
      chunks.push(new Uint8Array(1));
      end += 1;
    }
    return at;
  };
  const entryBytes = (tag: number, type: number, countOf: number, value: Uint8Array | number): Uint8Array => {
    const out = new Uint8Array(12);
    const view = new DataView(out.buffer);
    view.setUint16(0, tag, little);
    view.setUint16(2, type, little);
    view.setUint32(4, countOf, little);
    if (typeof value === 'number') view.setUint32(8, value, little);
    else out.set(value, 8);
    return out;
  };
  const encodeEntry = (entry: Entry): Uint8Array => {
    const data = inByteOrder(entry, source.little, little);
    return entryBytes(entry.tag, entry.type, entry.count, data.length <= 4 ? data : place(data));
  };
  const ifdBytes = (entries: { tag: number; raw: Uint8Array }[], next: number): Uint8Array => {
    const sorted = [...entries].sort((a, b) => a.tag - b.tag);
    const out = new Uint8Array(2 + sorted.length * 12 + 4);
    const view = new DataView(out.buffer);
    view.setUint16(0, sorted.length, little);
    sorted.forEach((entry, i) => out.set(entry.raw, 2 + i * 12));
    view.setUint32(2 + sorted.length * 12, next, little);
    return out;
  };

  if (end > tiffFile.length) chunks.push(new Uint8Array(1));
  const pointers = subIfds.map((ifd) => {
    const entries = ifd.entries.map((entry) => ({ tag: entry.tag, raw: encodeEntry(entry) }));
    return { tag: ifd.tag, raw: entryBytes(ifd.tag, 4, 1, place(ifdBytes(entries, 0))) };
  });
  const newIfd0 = [...kept, ...taken.map((entry) => ({ tag: entry.tag, raw: encodeEntry(entry) })), ...pointers];
  const newIfd0At = place(ifdBytes(newIfd0, nextIfd));
  const out = new Uint8Array(end);
  out.set(tiffFile, 0);
  let at = tiffFile.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  new DataView(out.buffer).setUint32(4, newIfd0At, little);
  return out;
}

/** The photo facts of a TIFF file on disk (its IFDs may sit anywhere in a file of hundreds of megabytes). */
export async function readTiffFilePhotoTags(file: string): Promise<PhotoTag[]> {
  const exif = await readTiffFileExif(file);
  return exif ? readPhotoTags(exif) : [];
}

/** IFD0 tags of a TIFF file that describe the photo (not its pixel layout) and belong in an EXIF block. */
const DESCRIPTIVE_IFD0_TAGS = new Set([0x010e /* ImageDescription */, MAKE, MODEL, ORIENTATION, 0x0131 /* Software */, DATE_TIME, 0x013b /* Artist */, 0x8298 /* Copyright */]);
/** No photo-description value is anywhere near this; a larger count is a damaged file. */
const MAX_ENTRY_BYTES = 64 * 1024;

/**
 * The EXIF of a TIFF file (libvips does not expose it): its descriptive IFD0 tags, EXIF IFD and GPS IFD as an
 * EXIF block, read with small positioned reads; undefined when the file carries no photo facts.
 */
export async function readTiffFileExif(file: string): Promise<Uint8Array | undefined> {
  const { handle } = await openUserInputHandle(file);
  try {
    const read = async (at: number, length: number) => {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, at);
      return buffer.subarray(0, bytesRead);
    };
    const header = await read(0, 8);
    if (header.length < 8 || !((header[0] === 0x49 && header[1] === 0x49) || (header[0] === 0x4d && header[1] === 0x4d))) return undefined;
    const little = header[0] === 0x49;
    const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const entriesAt = async (at: number): Promise<Entry[]> => {
      if (at <= 0) return [];
      const countBytes = await read(at, 2);
      if (countBytes.length < 2) return [];
      const count = view(countBytes).getUint16(0, little);
      const raw = await read(at + 2, count * 12);
      const out: Entry[] = [];
      for (let i = 0; i + 12 <= raw.length; i += 12) {
        const v = view(raw.subarray(i, i + 12));
        const type = v.getUint16(2, little);
        const n = v.getUint32(4, little);
        const size = (TYPE_SIZES[type] ?? 1) * n;
        if (size > MAX_ENTRY_BYTES) continue;
        const data = size <= 4 ? raw.slice(i + 8, i + 8 + size) : await read(v.getUint32(8, little), size);
        if (data.length === size) out.push({ tag: v.getUint16(0, little), type, count: n, data });
      }
      return out;
    };
    const ifd0 = await entriesAt(view(header).getUint32(4, little));
    const pointer = (tag: number) => {
      const entry = ifd0.find((e) => e.tag === tag);
      return entry && entry.data.length === 4 ? view(entry.data).getUint32(0, little) : 0;
    };
    const exif = await entriesAt(pointer(EXIF_IFD));
    const gps = await entriesAt(pointer(GPS_IFD));
    const descriptive = ifd0.filter((e) => DESCRIPTIVE_IFD0_TAGS.has(e.tag));
    if (exif.length === 0 && gps.length === 0 && !descriptive.some((e) => e.tag === MAKE || e.tag === MODEL || e.tag === DATE_TIME)) return undefined;
    return serializeExif(little, descriptive, exif, gps);
  } finally {
    await handle.close();
  }
}
