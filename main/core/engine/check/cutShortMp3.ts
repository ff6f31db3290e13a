import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** Where the first MPEG audio frame starts: after an ID3v2 tag at `from`, if there is one. */
function firstFrameAt(source: ByteSource, from: number): number {
  const tag = source.read(from, 10);
  if (tag.length < 10 || ascii(tag, 0, 3) !== 'ID3') return from;
  const size = ((tag[6]! & 0x7f) << 21) | ((tag[7]! & 0x7f) << 14) | ((tag[8]! & 0x7f) << 7) | (tag[9]! & 0x7f);
  return from + 10 + size + ((tag[5]! & 0x10) !== 0 ? 10 : 0);
}

/**
 * How many bytes the first frame's Xing/Info (LAME and ffmpeg) or VBRI (Fraunhofer) header says the MP3 stream holds,
 * counted from that frame; undefined without one, or when it leaves the count out.
 */
function declaredStreamBytes(frame: Uint8Array): number | undefined {
  if (frame.length < 4 || frame[0] !== 0xff || (frame[1]! & 0xe0) !== 0xe0) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const mpeg1 = ((frame[1]! >> 3) & 0x03) === 3;
  const mono = (frame[3]! >> 6) === 3;
  const xing = 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
  const tag = ascii(frame, xing, 4);
  if ((tag === 'Xing' || tag === 'Info') && xing + 16 <= frame.length) {
    const flags = view.getUint32(xing + 4);
    if ((flags & 0x2) === 0) return undefined;
    return view.getUint32(xing + 8 + ((flags & 0x1) !== 0 ? 4 : 0)) || undefined;
  }
  if (ascii(frame, 36, 4) === 'VBRI' && frame.length >= 50) return view.getUint32(46) || undefined;
  return undefined;
}

/**
 * Whether an MP3 ends before the stream its first frame's Xing/Info or VBRI header counts (an interrupted download).
 * Undefined when it holds its count or more (an ID3v1 tag after it), or says none.
 */
export function cutShortMp3(source: ByteSource, from = 0): CutShort | undefined {
  const at = firstFrameAt(source, from);
  const declared = declaredStreamBytes(source.read(at, 64));
  return declared !== undefined && at + declared > source.size ? { presentBytes: source.size, declaredBytes: at + declared } : undefined;
}
