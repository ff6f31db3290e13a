import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

/** The largest Ogg page: its 27-byte header, 255 lacing values and 255 segments of 255 bytes. */
const MAX_PAGE_BYTES = 27 + 255 + 255 * 255;
/** header_type: this page ends its logical stream. */
const END_OF_STREAM = 0x04;
const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"

const CRC32 = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 24;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

/** The page's length when all of it is in `bytes` from `at` and its CRC (the whole page with the CRC field as zero) is right. */
function wholePageLength(bytes: Uint8Array, at: number): number | undefined {
  if (at + 27 > bytes.length || bytes[at + 4] !== 0) return undefined;
  const segments = bytes[at + 26]!;
  if (at + 27 + segments > bytes.length) return undefined;
  let length = 27 + segments;
  for (let i = 0; i < segments; i += 1) length += bytes[at + 27 + i]!;
  if (at + length > bytes.length) return undefined;
  let crc = 0;
  for (let i = 0; i < length; i += 1) {
    const byte = i >= 22 && i < 26 ? 0 : bytes[at + i]!;
    crc = ((crc << 8) ^ CRC32[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc === new DataView(bytes.buffer, bytes.byteOffset + at + 22, 4).getUint32(0, true) ? length : undefined;
}

/** Whether `rest` is a page that the file ends within: its capture pattern (or the first bytes of it) and less than its header or its segments declare. */
function isCutPage(rest: Uint8Array): boolean {
  if (rest.length === 0 || !CAPTURE.slice(0, Math.min(4, rest.length)).every((byte, i) => rest[i] === byte)) return false;
  if (rest.length < 27) return true;
  const segments = rest[26]!;
  if (rest.length < 27 + segments) return true;
  let length = 27 + segments;
  for (let i = 0; i < segments; i += 1) length += rest[27 + i]!;
  return length > rest.length;
}

/**
 * Whether an Ogg file (Vorbis, Opus, FLAC in Ogg) ends before its stream does: its last whole page does not carry the
 * end-of-stream flag, or a page begun after it is cut. Ogg declares no length, so the share is not known. Undefined
 * when the last page ends the stream, or when what follows it is no page (a tag some tools append).
 */
export function cutShortOgg(source: ByteSource): CutShort | undefined {
  const from = Math.max(0, source.size - 2 * MAX_PAGE_BYTES);
  const tail = source.read(from, source.size - from);
  for (let at = tail.length - 4; at >= 0; at -= 1) {
    if (tail[at] !== 0x4f || !CAPTURE.every((byte, i) => tail[at + i] === byte)) continue;
    const length = wholePageLength(tail, at);
    if (length === undefined) continue;
    const rest = tail.subarray(at + length);
    if (rest.length === 0) return (tail[at + 5]! & END_OF_STREAM) !== 0 ? undefined : { presentBytes: source.size };
    return isCutPage(rest) ? { presentBytes: source.size } : undefined;
  }
  return undefined;
}
