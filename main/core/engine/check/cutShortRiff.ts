import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

/** Top-level RIFF chunks and chunks of the first one read, at most: an AVI holds a handful, an OpenDML AVI one per GB. */
const MAX_CHUNKS = 10_000;

interface Chunk {
  tag: string;
  /** The form or list type of a RIFF or LIST chunk. */
  form: string;
  at: number;
  /** Where the chunk's declared data ends (before the pad byte of an odd size); undefined when the size was never written. */
  end: number | undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/**
 * A size no file was measured for: a writer that never went back to fill it in leaves 0, and one that writes to a
 * stream all ones, or the largest size a 32-bit count holds, signed or not (give or take a few kilobytes).
 */
function isPlaceholder(size: number): boolean {
  return size === 0 || size >= 0xffff0000 || (size >= 0x7fff0000 && size <= 0x7fffffff);
}

function chunkAt(source: ByteSource, at: number, bigEndian: boolean): Chunk | undefined {
  const head = source.read(at, 12);
  if (head.length < 8) return undefined;
  const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, !bigEndian);
  const end = isPlaceholder(size) ? undefined : at + 8 + size;
  return { tag: ascii(head, 0, 4), form: ascii(head, 8, 4), at, end };
}

function cut(present: number, declared: number | undefined): CutShort {
  return declared === undefined ? { presentBytes: present } : { presentBytes: present, declaredBytes: declared };
}

/** The header list of an AVI is read whole up to this size (its index reserve makes it a few kilobytes). */
const MAX_HEADER_LIST_BYTES = 1024 * 1024;

/** The children of the list chunk whose data (after its type) is `bytes`, by tag (the first of each) and list type. */
function listChildren(bytes: Uint8Array): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.length;) {
    const tag = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const data = bytes.subarray(at + 8, Math.min(at + 8 + size, bytes.length));
    const key = tag === 'LIST' ? `LIST ${ascii(data, 0, 4)}` : tag;
    if (!found.has(key)) found.set(key, tag === 'LIST' ? data.subarray(4) : data);
    at += 8 + size + (size % 2);
  }
  return found;
}

/**
 * Whether an OpenDML AVI holds more frames (its 'dmlh' count) than its first RIFF chunk does (its 'avih' count): more
 * RIFF chunks were to follow, of sizes the first does not say.
 */
function moreRiffsFollow(source: ByteSource): boolean {
  const list = chunkAt(source, 12, false);
  if (list?.tag !== 'LIST' || list.form !== 'hdrl' || list.end === undefined || list.end - 20 > MAX_HEADER_LIST_BYTES) return false;
  const header = listChildren(source.read(24, list.end - 24));
  const avih = header.get('avih');
  const dmlh = header.get('LIST odml') && listChildren(header.get('LIST odml')!).get('dmlh');
  if (!avih || avih.length < 20 || !dmlh || dmlh.length < 4) return false;
  const frames = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
  return frames(dmlh, 0) > frames(avih, 16);
}

/**
 * Whether an AVI ends before its chunks do: its RIFF chunk (each RIFF of an OpenDML AVI in turn) or its 'movi' list
 * declares more bytes than the file has. The share is given only when the first RIFF is the one cut and no other
 * was to follow (the size of the later ones is not known ahead). Undefined when the sizes fit, or were never written.
 */
export function cutShortAvi(source: ByteSource): CutShort | undefined {
  const present = source.size;
  const first = chunkAt(source, 0, false);
  if (!first || first.tag !== 'RIFF' || first.form !== 'AVI ') return undefined;
  let list = 12;
  for (let count = 0; first.end === undefined || list < Math.min(first.end, present); count += 1) {
    const chunk = count < MAX_CHUNKS ? chunkAt(source, list, false) : undefined;
    if (!chunk?.end) break;
    if (chunk.tag === 'LIST' && chunk.form === 'movi') {
      if (chunk.end > present) return cut(present, moreRiffsFollow(source) ? undefined : Math.max(chunk.end, first.end ?? 0));
      break;
    }
    list = chunk.end + (chunk.end % 2);
  }
  let riff: Chunk | undefined = first;
  for (let count = 0; riff?.end !== undefined && riff.tag === 'RIFF'; count += 1) {
    if (riff.end > present) return cut(present, riff === first && !moreRiffsFollow(source) ? riff.end : undefined);
    riff = count < MAX_CHUNKS ? chunkAt(source, riff.end + (riff.end % 2), false) : undefined;
  }
  return undefined;
}

/**
 * Whether a WAV (RIFF) or AIFF (FORM) sound file ends before its outer chunk's declared size. Undefined when it fits,
 * when the size was never written, or for RF64 (whose real size is elsewhere).
 */
export function cutShortSoundChunks(source: ByteSource): CutShort | undefined {
  const head = source.read(0, 12);
  const tag = ascii(head, 0, 4);
  const form = ascii(head, 8, 4);
  const isWave = tag === 'RIFF' && form === 'WAVE';
  if (!isWave && !(tag === 'FORM' && (form === 'AIFF' || form === 'AIFC'))) return undefined;
  const outer = chunkAt(source, 0, !isWave);
  return outer?.end !== undefined && outer.end > source.size ? cut(source.size, outer.end) : undefined;
}
