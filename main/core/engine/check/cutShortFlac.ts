import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

/** Metadata blocks read at most before the frames: a FLAC holds a handful (STREAMINFO, tags, pictures, padding). */
const MAX_BLOCKS = 1000;
/** How far back from the end a frame header is looked for when STREAMINFO gives no larger frame size. */
const TAIL_BYTES = 64 * 1024;
/** The most a frame header search reads (a frame of 8 channels of 32-bit samples, 65535 to a block, uncompressed). */
const MAX_TAIL_BYTES = 16 * 2 ** 20;

interface StreamInfo {
  maxBlockSize: number;
  maxFrameSize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** Where the FLAC stream starts: after an ID3v2 tag at `from`, if there is one (some taggers put one in front). */
function streamStart(source: ByteSource, from: number): number {
  const tag = source.read(from, 10);
  if (tag.length < 10 || ascii(tag, 0, 3) !== 'ID3') return from;
  const size = ((tag[6]! & 0x7f) << 21) | ((tag[7]! & 0x7f) << 14) | ((tag[8]! & 0x7f) << 7) | (tag[9]! & 0x7f);
  return from + 10 + size + ((tag[5]! & 0x10) !== 0 ? 10 : 0);
}

function readStreamInfo(block: Uint8Array): StreamInfo {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const packed = view.getUint32(10);
  return {
    maxBlockSize: view.getUint16(2),
    maxFrameSize: (block[7]! << 16) | (block[8]! << 8) | block[9]!,
    sampleRate: packed >>> 12,
    channels: ((packed >>> 9) & 0x7) + 1,
    bitsPerSample: ((packed >>> 4) & 0x1f) + 1,
    totalSamples: (packed & 0xf) * 2 ** 32 + view.getUint32(14),
  };
}

const CRC8 = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  return crc;
});

const RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const BITS = [0, 8, 12, 0, 16, 20, 24, 32];

/**
 * The frame whose header starts at `at`: the first sample it holds and how many, when the bytes there are a whole
 * frame header (its CRC-8 right) that agrees with STREAMINFO; undefined otherwise.
 */
function frameAt(bytes: Uint8Array, at: number, info: StreamInfo): { firstSample: number; samples: number } | undefined {
  if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xfe) !== 0xf8 || at + 6 > bytes.length) return undefined;
  const sizeCode = bytes[at + 2]! >> 4;
  const rateCode = bytes[at + 2]! & 0xf;
  const channelCode = bytes[at + 3]! >> 4;
  const bitsCode = (bytes[at + 3]! >> 1) & 0x7;
  if (sizeCode === 0 || rateCode === 15 || (bytes[at + 3]! & 1) !== 0) return undefined;
  if (channelCode > 10 || (channelCode <= 7 ? channelCode + 1 !== info.channels : info.channels !== 2)) return undefined;
  if (rateCode >= 1 && rateCode <= 11 && RATES[rateCode] !== info.sampleRate) return undefined;
  if (bitsCode !== 0 && BITS[bitsCode] !== info.bitsPerSample) return undefined;
  // The frame or sample number, coded as UTF-8 codes its characters (up to 36 bits in 7 bytes).
  let p = at + 4;
  const lead = bytes[p]!;
  const extra = lead < 0x80 ? 0 : lead >= 0xc0 && lead <= 0xfe ? Math.clz32(~lead << 24) - 1 : -1;
  if (extra < 0) return undefined;
  let number = extra === 0 ? lead : lead & (0x3f >> extra);
  for (let i = 1; i <= extra; i += 1) {
    const next = bytes[p + i];
    if (next === undefined || (next & 0xc0) !== 0x80) return undefined;
    number = number * 64 + (next & 0x3f);
  }
  p += 1 + extra;
  let samples = sizeCode === 1 ? 192 : sizeCode <= 5 ? 576 << (sizeCode - 2) : sizeCode >= 8 ? 256 << (sizeCode - 8) : 0;
  if (sizeCode === 6) samples = (bytes[p++] ?? 0) + 1;
  if (sizeCode === 7) {
    samples = (((bytes[p] ?? 0) << 8) | (bytes[p + 1] ?? 0)) + 1;
    p += 2;
  }
  p += rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0;
  if (p >= bytes.length) return undefined;
  let crc = 0;
  for (let i = at; i < p; i += 1) crc = CRC8[crc ^ bytes[i]!]!;
  if (crc !== bytes[p]) return undefined;
  const variable = (bytes[at + 1]! & 1) === 1;
  return { firstSample: variable ? number : number * info.maxBlockSize, samples };
}

/**
 * Whether a FLAC ends before the samples its STREAMINFO counts: the last frame header in the file starts a frame that
 * ends before that count. The share is that of the frames' bytes, taken as the share of the samples before that frame.
 * Undefined when the count is whole, when STREAMINFO says none (0, as a stream written to a pipe leaves it), or when
 * no frame header is found near the end.
 */
export function cutShortFlac(source: ByteSource, from = 0): CutShort | undefined {
  const start = streamStart(source, from);
  if (ascii(source.read(start, 4), 0, 4) !== 'fLaC') return undefined;
  let at = start + 4;
  let info: StreamInfo | undefined;
  let last = false;
  for (let count = 0; !last; count += 1) {
    const head = source.read(at, 4);
    // Cut within the metadata: no frame is there.
    if (head.length < 4) return { presentBytes: source.size };
    if (count >= MAX_BLOCKS) return undefined;
    const length = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
    if ((head[0]! & 0x7f) === 0) {
      const block = source.read(at + 4, 34);
      if (block.length < 34) return { presentBytes: source.size };
      if (length < 34) return undefined;
      info = readStreamInfo(block);
    }
    last = (head[0]! & 0x80) !== 0;
    at += 4 + length;
    if (at > source.size) return info && info.totalSamples > 0 ? { presentBytes: source.size } : undefined;
  }
  if (!info || info.totalSamples === 0 || info.maxBlockSize === 0) return undefined;
  const tailFrom = Math.max(at, source.size - Math.min(MAX_TAIL_BYTES, Math.max(TAIL_BYTES, 2 * info.maxFrameSize)));
  const tail = source.read(tailFrom, source.size - tailFrom);
  for (let p = tail.length - 2; p >= 0; p -= 1) {
    const frame = frameAt(tail, p, info);
    if (!frame) continue;
    if (frame.firstSample + frame.samples >= info.totalSamples) return undefined;
    const frameBytes = tailFrom + p - at;
    return frame.firstSample > 0
      ? { presentBytes: source.size, declaredBytes: Math.round(at + (frameBytes * info.totalSamples) / frame.firstSample) }
      : { presentBytes: source.size };
  }
  return undefined;
}
