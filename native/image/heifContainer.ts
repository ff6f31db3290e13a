/**
 * Reads the item structure of a HEIF file (ISO/IEC 23008-12) without decoding pixels:
 * the primary image's size, rotation, ICC profile, EXIF and whether it has alpha.
 * Used to refuse decompression bombs before decoding and to carry metadata over.
 */
export interface HeifSummary {
  primaryItemId: number;
  /** Coded size of the primary image (before irot). */
  width: number;
  height: number;
  /** Counter-clockwise rotation from irot, degrees. */
  rotation: number;
  mirrored: boolean;
  icc: Uint8Array | undefined;
  /** TIFF-structured EXIF payload (starts with II* or MM*), when present. */
  exif: Uint8Array | undefined;
  hasAlpha: boolean;
  /** Number of top-level images (primary, thumbnails excluded). */
  imageCount: number;
}

interface Box {
  type: string;
  start: number;
  payload: number;
  end: number;
}

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(at: number): number { return this.view.getUint8(at); }
  u16(at: number): number { return this.view.getUint16(at); }
  u32(at: number): number { return this.view.getUint32(at); }
  uint(at: number, size: number): number {
    if (size === 0) return 0;
    if (size === 2) return this.u16(at);
    if (size === 4) return this.u32(at);
    if (size === 8) return this.u32(at) * 2 ** 32 + this.u32(at + 4);
    throw new HeifParseError(`unsupported field size ${size}`);
  }
  fourcc(at: number): string {
    return String.fromCharCode(this.u8(at), this.u8(at + 1), this.u8(at + 2), this.u8(at + 3));
  }
}

export class HeifParseError extends Error {}

function* boxes(reader: Reader, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    let size = reader.u32(at);
    const type = reader.fourcc(at + 4);
    let payload = at + 8;
    if (size === 1) {
      size = reader.uint(at + 8, 8);
      payload = at + 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < 8 || at + size > end) {
      const readable = /^[\x20-\x7e]{4}$/.test(type) ? ` '${type}'` : '';
      throw new HeifParseError(`its structure is broken (a${readable} box runs past the end of the file)`);
    }
    yield { type, start: at, payload, end: at + size };
    at += size;
  }
}

function child(reader: Reader, parent: Box, type: string, skip = 0): Box | undefined {
  for (const box of boxes(reader, parent.payload + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

interface ItemLocation {
  constructionMethod: number;
  baseOffset: number;
  extents: { offset: number; length: number }[];
}

function parseIloc(reader: Reader, box: Box): Map<number, ItemLocation> {
  const version = reader.u8(box.payload);
  let at = box.payload + 4;
  const sizes = reader.u16(at);
  at += 2;
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version === 1 || version === 2 ? sizes & 0xf : 0;
  const count = version < 2 ? reader.u16(at) : reader.u32(at);
  at += version < 2 ? 2 : 4;
  const items = new Map<number, ItemLocation>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? reader.u16(at) : reader.u32(at);
    at += version < 2 ? 2 : 4;
    let constructionMethod = 0;
    if (version === 1 || version === 2) {
      constructionMethod = reader.u16(at) & 0xf;
      at += 2;
    }
    at += 2; // data_reference_index
    const baseOffset = reader.uint(at, baseOffsetSize);
    at += baseOffsetSize;
    const extentCount = reader.u16(at);
    at += 2;
    const extents = [];
    for (let e = 0; e < extentCount; e++) {
      at += indexSize;
      const offset = reader.uint(at, offsetSize);
      at += offsetSize;
      const length = reader.uint(at, lengthSize);
      at += lengthSize;
      extents.push({ offset, length });
    }
    items.set(id, { constructionMethod, baseOffset, extents });
  }
  return items;
}

function parseItemTypes(reader: Reader, box: Box): Map<number, string> {
  const version = reader.u8(box.payload);
  const skip = 4 + (version === 0 ? 2 : 4);
  const types = new Map<number, string>();
  for (const infe of boxes(reader, box.payload + skip, box.end)) {
    if (infe.type !== 'infe') continue;
    const infeVersion = reader.u8(infe.payload);
    if (infeVersion < 2) continue;
    const idSize = infeVersion === 2 ? 2 : 4;
    const id = idSize === 2 ? reader.u16(infe.payload + 4) : reader.u32(infe.payload + 4);
    types.set(id, reader.fourcc(infe.payload + 4 + idSize + 2));
  }
  return types;
}

function parseReferences(reader: Reader, box: Box): { type: string; from: number; to: number[] }[] {
  const version = reader.u8(box.payload);
  const idSize = version === 0 ? 2 : 4;
  const refs = [];
  for (const ref of boxes(reader, box.payload + 4, box.end)) {
    let at = ref.payload;
    const from = reader.uint(at, idSize);
    at += idSize;
    const count = reader.u16(at);
    at += 2;
    const to = [];
    for (let i = 0; i < count; i++, at += idSize) to.push(reader.uint(at, idSize));
    refs.push({ type: ref.type, from, to });
  }
  return refs;
}

function parseProperties(reader: Reader, iprp: Box): { properties: Box[]; associations: Map<number, number[]> } {
  const ipco = child(reader, iprp, 'ipco');
  const properties = ipco ? [...boxes(reader, ipco.payload, ipco.end)] : [];
  const associations = new Map<number, number[]>();
  for (const ipma of boxes(reader, iprp.payload, iprp.end)) {
    if (ipma.type !== 'ipma') continue;
    const version = reader.u8(ipma.payload);
    const flags = reader.u32(ipma.payload) & 0xffffff;
    let at = ipma.payload + 4;
    const count = reader.u32(at);
    at += 4;
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? reader.u16(at) : reader.u32(at);
      at += version < 1 ? 2 : 4;
      const n = reader.u8(at++);
      const list = associations.get(id) ?? [];
      for (let j = 0; j < n; j++) {
        if (flags & 1) {
          list.push(reader.u16(at) & 0x7fff);
          at += 2;
        } else {
          list.push(reader.u8(at) & 0x7f);
          at += 1;
        }
      }
      associations.set(id, list);
    }
  }
  return { properties, associations };
}

function itemData(reader: Reader, location: ItemLocation | undefined, idat: Box | undefined): Uint8Array | undefined {
  if (!location) return undefined;
  const parts: Uint8Array[] = [];
  for (const extent of location.extents) {
    const base = location.constructionMethod === 1 ? (idat?.payload ?? 0) : 0;
    const start = base + location.baseOffset + extent.offset;
    const length = extent.length || reader.bytes.length - start;
    if (start + length > reader.bytes.length) throw new HeifParseError('an item points past the end of the file (the file is truncated)');
    parts.push(reader.bytes.subarray(start, start + length));
  }
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

function exifTiff(data: Uint8Array | undefined): Uint8Array | undefined {
  if (!data || data.length < 12) return undefined;
  const offset = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
  const start = 4 + offset;
  for (let at = Math.min(start, data.length); at + 4 <= data.length && at < start + 16; at++) {
    const sig = String.fromCharCode(data[at]!, data[at + 1]!);
    if ((sig === 'II' && data[at + 2] === 0x2a) || (sig === 'MM' && data[at + 3] === 0x2a)) return data.subarray(at);
  }
  for (let at = 4; at + 4 <= Math.min(data.length, 64); at++) {
    const sig = String.fromCharCode(data[at]!, data[at + 1]!);
    if ((sig === 'II' && data[at + 2] === 0x2a) || (sig === 'MM' && data[at + 3] === 0x2a)) return data.subarray(at);
  }
  return undefined;
}

const ALPHA_URNS = ['urn:mpeg:hevc:2015:auxid:1', 'urn:mpeg:mpegB:cicp:systems:auxiliary:alpha', 'urn:mpeg:avc:2015:auxid:1'];

export function parseHeif(bytes: Uint8Array): HeifSummary {
  const reader = new Reader(bytes);
  let meta: Box | undefined;
  for (const box of boxes(reader, 0, bytes.length)) {
    if (box.type === 'meta') {
      meta = box;
      break;
    }
  }
  if (!meta) throw new HeifParseError("the file has no 'meta' box");
  const pitm = child(reader, meta, 'pitm', 4);
  const iloc = child(reader, meta, 'iloc', 4);
  const iinf = child(reader, meta, 'iinf', 4);
  const iprp = child(reader, meta, 'iprp', 4);
  const iref = child(reader, meta, 'iref', 4);
  const idat = child(reader, meta, 'idat', 4);
  if (!pitm || !iloc || !iinf || !iprp) throw new HeifParseError('the file lacks the boxes that describe its images');
  const primaryItemId = reader.u8(pitm.payload) === 0 ? reader.u16(pitm.payload + 4) : reader.u32(pitm.payload + 4);
  const locations = parseIloc(reader, iloc);
  const types = parseItemTypes(reader, iinf);
  const references = iref ? parseReferences(reader, iref) : [];
  const { properties, associations } = parseProperties(reader, iprp);
  const propsOf = (id: number) => (associations.get(id) ?? []).map((i) => properties[i - 1]).filter((b): b is Box => b !== undefined);

  const tiles = references.filter((r) => r.type === 'dimg' && r.from === primaryItemId).flatMap((r) => r.to);
  for (const id of [primaryItemId, ...tiles]) {
    for (const extent of locations.get(id)?.extents ?? []) {
      const location = locations.get(id)!;
      if (location.constructionMethod === 0 && location.baseOffset + extent.offset + extent.length > bytes.length) {
        throw new HeifParseError('the image data ends early (the file is truncated)');
      }
    }
  }
  let width = 0;
  let height = 0;
  let rotation = 0;
  let mirrored = false;
  let icc: Uint8Array | undefined;
  const firstTile = tiles[0];
  const tileProps = firstTile !== undefined ? propsOf(firstTile).filter((p) => p.type === 'colr') : [];
  for (const prop of [...tileProps, ...propsOf(primaryItemId)]) {
    if (prop.type === 'ispe') {
      width = reader.u32(prop.payload + 4);
      height = reader.u32(prop.payload + 8);
    } else if (prop.type === 'irot') {
      rotation = (reader.u8(prop.payload) & 3) * 90;
    } else if (prop.type === 'imir') {
      mirrored = true;
    } else if (prop.type === 'colr') {
      const kind = reader.fourcc(prop.payload);
      if (kind === 'prof' || kind === 'rICC') icc = bytes.subarray(prop.payload + 4, prop.end);
    }
  }
  if (width === 0 || height === 0) throw new HeifParseError('the primary image has no size');

  const describing = (type: string) => references.filter((r) => r.type === type && r.to.includes(primaryItemId)).map((r) => r.from);
  const exifId = describing('cdsc').find((id) => types.get(id) === 'Exif') ?? [...types].find(([, t]) => t === 'Exif')?.[0];
  const exif = exifId !== undefined ? exifTiff(itemData(reader, locations.get(exifId), idat)) : undefined;
  const hasAlpha = describing('auxl').some((id) =>
    propsOf(id).some((p) => p.type === 'auxC' && ALPHA_URNS.some((urn) => new TextDecoder().decode(bytes.subarray(p.payload + 4, p.end)).startsWith(urn))),
  );
  const auxiliary = new Set([
    ...references.filter((r) => r.type === 'auxl' || r.type === 'thmb').map((r) => r.from),
    ...references.filter((r) => r.type === 'dimg').flatMap((r) => r.to),
  ]);
  const imageCount = [...types].filter(([id, t]) => (t === 'hvc1' || t === 'grid' || t === 'av01' || t === 'iden') && !auxiliary.has(id)).length;
  return { primaryItemId, width, height, rotation, mirrored, icc, exif, hasAlpha, imageCount };
}
