/** One byte of a file at a position; undefined past its end (or past what the reader will read). */
export type ByteAt = (position: number) => number | undefined;

/** Frames counted and how far into the file the count reached (the whole file unless it stopped at `limit`). */
export interface FrameCount {
  frames: number;
  /** Where the walk stopped; the count covers the bytes before it. */
  reached: number;
  /** The walk reached the end of the animation (its trailer, or the file's end). */
  whole: boolean;
}

/**
 * The pictures of a GIF, counted by walking its blocks (each frame's data is a chain of sub-blocks of at most 255
 * bytes, so the walk touches every 256th byte) up to `limit` bytes.
 */
export function countGifFrames(byteAt: ByteAt, limit: number): FrameCount {
  const flags = byteAt(10);
  if (flags === undefined) return { frames: 0, reached: 0, whole: true };
  let at = 13 + ((flags & 0x80) !== 0 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  let frames = 0;
  const skipSubBlocks = (from: number): number => {
    let cursor = from;
    for (let size = byteAt(cursor); size !== undefined && size !== 0 && cursor < limit; size = byteAt(cursor)) cursor += size + 1;
    return cursor + 1;
  };
  while (at < limit) {
    const block = byteAt(at);
    if (block === undefined || block === 0x3b) return { frames, reached: at, whole: true };
    if (block === 0x21) {
      at = skipSubBlocks(at + 2);
    } else if (block === 0x2c) {
      frames++;
      const local = byteAt(at + 9);
      if (local === undefined) return { frames, reached: at, whole: true };
      at = skipSubBlocks(at + 11 + ((local & 0x80) !== 0 ? 3 * 2 ** ((local & 0x07) + 1) : 0));
    } else {
      return { frames, reached: at, whole: true };
    }
  }
  return { frames, reached: at, whole: false };
}

/** The frames (ANMF chunks) of a WebP, counted by hopping from chunk to chunk by their sizes. */
export function countWebpFrames(byteAt: ByteAt): number {
  const u32 = (at: number) => {
    const bytes = [byteAt(at), byteAt(at + 1), byteAt(at + 2), byteAt(at + 3)];
    return bytes.some((b) => b === undefined) ? undefined : (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16)) + bytes[3]! * 2 ** 24;
  };
  const fourcc = (at: number) => String.fromCharCode(byteAt(at) ?? 0, byteAt(at + 1) ?? 0, byteAt(at + 2) ?? 0, byteAt(at + 3) ?? 0);
  let frames = 0;
  for (let at = 12; ;) {
    const size = u32(at + 4);
    if (size === undefined) return frames;
    if (fourcc(at) === 'ANMF') frames++;
    at += 8 + size + (size % 2);
  }
}
