import { open } from 'node:fs/promises';

/** How much of an MP4/MOV is there when its last top-level box (its media data, mostly) says it runs past the file's end. */
export interface CutShort {
  presentBytes: number;
  declaredBytes: number;
}

/**
 * Whether an MP4/MOV file ends inside one of its top-level boxes: a recording or copy that was interrupted after
 * the movie header was written at the front. Undefined when every box ends within the file (or it is not read as boxes).
 */
export async function cutShortMovie(path: string, skipBytes = 0): Promise<CutShort | undefined> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const header = Buffer.alloc(16);
    for (let at = skipBytes; at + 8 <= size;) {
      const { bytesRead } = await file.read(header, 0, 16, at);
      if (bytesRead < 8) return undefined;
      let boxBytes = header.readUInt32BE(0);
      if (boxBytes === 1) {
        if (bytesRead < 16) return undefined;
        boxBytes = Number(header.readBigUInt64BE(8));
      }
      // A size of 0 runs to the end of the file; anything below a header is not a box.
      if (boxBytes === 0) return undefined;
      if (boxBytes < 8) return undefined;
      if (at + boxBytes > size) return { presentBytes: size, declaredBytes: at + boxBytes };
      at += boxBytes;
    }
    return undefined;
  } finally {
    await file.close();
  }
}
