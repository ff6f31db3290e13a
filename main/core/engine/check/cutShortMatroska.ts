import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const SEEK_HEAD = 0x114d9b74;
const SEEK = 0x4dbb;
const SEEK_POSITION = 0x53ac;
const CLUSTER = 0x1f43b675;
const CUES = 0x1c53bb6b;
const CUE_POINT = 0xbb;
const CUE_TRACK_POSITIONS = 0xb7;
const CUE_CLUSTER_POSITION = 0xf1;
const VOID = 0xec;
const CRC32 = 0xbf;
/** The elements a Segment holds: anything else where one should start is not read as Matroska, and nothing is claimed. */
const SEGMENT_CHILDREN = new Set([SEEK_HEAD, 0x1549a966, 0x1654ae6b, CLUSTER, CUES, 0x1043a770, 0x1254c367, 0x1941a469, VOID, CRC32]);
/** The elements a Cluster holds (Timestamp, SilentTracks, Position, PrevSize, SimpleBlock, BlockGroup, EncryptedBlock). */
const CLUSTER_CHILDREN = new Set([0xe7, 0x5854, 0xa7, 0xab, 0xa3, 0xa0, 0xaf, VOID, CRC32]);
/** Index elements larger than this are not read for their pointers (a live recording's cues are far smaller). */
const MAX_INDEX_BYTES = 1024 * 1024;
/** A walk over more elements than this stops without an answer. */
const MAX_ELEMENTS = 2_000_000;

interface Element {
  id: number;
  dataAt: number;
  /** Undefined when the size is "unknown" (all ones): the element runs until something that cannot be inside it. */
  size: number | undefined;
}

/** 'cut' when the file ends inside the header; undefined when the bytes there are no element header. */
function elementAt(source: ByteSource, at: number): Element | 'cut' | undefined {
  const head = source.read(at, 12);
  const id = vint(head, 0, true);
  if (id === 'cut') return 'cut';
  if (!id || id.length > 4) return undefined;
  const size = vint(head, id.length, false);
  if (size === 'cut') return 'cut';
  if (!size) return undefined;
  return { id: id.value, dataAt: at + id.length + size.length, size: size.unknown ? undefined : size.value };
}

/** An EBML variable-length integer at `at`: with its length marker for an ID, without it for a size. */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | 'cut' | undefined {
  if (at >= bytes.length) return 'cut';
  const first = bytes[at]!;
  if (first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return 'cut';
  const marker = 0x80 >> (length - 1);
  let value = keepMarker ? first : first & (marker - 1);
  let allOnes = value === marker - 1;
  for (let i = 1; i < length; i += 1) {
    value = value * 256 + bytes[at + i]!;
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** The unsigned integer an element of `size` bytes at `at` holds. */
function uintAt(source: ByteSource, at: number, size: number): number {
  const bytes = source.read(at, size);
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/** The children of the element whose data is [at, end), each once; stops at the first that is not whole. */
function* children(source: ByteSource, at: number, end: number): Generator<Element & { size: number }> {
  while (at < end) {
    const child = elementAt(source, at);
    if (!child || child === 'cut' || child.size === undefined || child.dataAt + child.size > end) return;
    yield { ...child, size: child.size };
    at = child.dataAt + child.size;
  }
}

/** The furthest place in the file a SeekHead or Cues element points to (positions count from the Segment's data). */
function furthestPointer(source: ByteSource, element: Element & { size: number }, segmentAt: number): number {
  let furthest = 0;
  if (element.size > MAX_INDEX_BYTES) return furthest;
  const [entry, positions, position] = element.id === SEEK_HEAD ? [SEEK, SEEK, SEEK_POSITION] : [CUE_POINT, CUE_TRACK_POSITIONS, CUE_CLUSTER_POSITION];
  for (const outer of children(source, element.dataAt, element.dataAt + element.size)) {
    if (outer.id !== entry) continue;
    const inner = entry === positions ? [outer] : [...children(source, outer.dataAt, outer.dataAt + outer.size)].filter((child) => child.id === positions);
    for (const holder of inner) {
      for (const field of children(source, holder.dataAt, holder.dataAt + holder.size)) {
        if (field.id === position && field.size <= 6) furthest = Math.max(furthest, segmentAt + uintAt(source, field.dataAt, field.size));
      }
    }
  }
  return furthest;
}

/**
 * Whether a Matroska/WebM file ends before its first Segment does. A Segment of known size is compared with the file's
 * size. A live recording's Segment has no size: it is cut when an element in it (a Cluster, or a block of a Cluster
 * without a size) runs past the file's end, or when its SeekHead or Cues point past it; the share is known only then.
 * Undefined when it ends whole, or when the bytes are not read as Matroska (nothing is claimed then).
 */
export function cutShortMatroska(source: ByteSource): CutShort | undefined {
  const header = elementAt(source, 0);
  if (!header || header === 'cut' || header.id !== EBML || header.size === undefined) return undefined;
  const segment = elementAt(source, header.dataAt + header.size);
  if (!segment || segment === 'cut' || segment.id !== SEGMENT) return undefined;
  const present = source.size;
  if (segment.size !== undefined) {
    const end = segment.dataAt + segment.size;
    return end > present ? { presentBytes: present, declaredBytes: end } : undefined;
  }
  let pointed = 0;
  const cut = (): CutShort => (pointed >= present ? { presentBytes: present, declaredBytes: pointed } : { presentBytes: present });
  let inCluster = false;
  let at = segment.dataAt;
  for (let count = 0; at < present; count += 1) {
    if (count >= MAX_ELEMENTS) return undefined;
    const element = elementAt(source, at);
    if (element === 'cut') return cut();
    if (!element) return undefined;
    const inSegment = SEGMENT_CHILDREN.has(element.id) && (!inCluster || ![VOID, CRC32].includes(element.id));
    if (inCluster && !inSegment && !CLUSTER_CHILDREN.has(element.id)) return undefined;
    if (!inCluster && !inSegment) return undefined;
    if (inSegment) inCluster = false;
    if (element.size === undefined) {
      if (element.id !== CLUSTER) return undefined;
      inCluster = true;
      at = element.dataAt;
      continue;
    }
    const end = element.dataAt + element.size;
    if (end > present) return cut();
    if (element.id === SEEK_HEAD || element.id === CUES) pointed = Math.max(pointed, furthestPointer(source, { ...element, size: element.size }, segment.dataAt));
    at = end;
  }
  return pointed >= present ? cut() : undefined;
}
