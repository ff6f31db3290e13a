import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Writes EXIF (an eXIf chunk, the raw TIFF structure) and an ICC profile (iCCP) right after the IHDR of a PNG
 * that has neither; libvips reads both back, so the PNG can carry HEIC metadata into any target sharp writes.
 */
export function insertPngMetadata(png: Uint8Array, metadata: { exif?: Uint8Array; icc?: Uint8Array }): Buffer {
  if (!PNG_SIGNATURE.every((byte, i) => png[i] === byte)) throw new Error('not a PNG');
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset + 8, 4).getUint32(0);
  const extra: Buffer[] = [];
  if (metadata.icc) extra.push(pngChunk('iCCP', Buffer.concat([Buffer.from('ICC Profile\0\0', 'latin1'), deflateSync(metadata.icc)])));
  if (metadata.exif) extra.push(pngChunk('eXIf', metadata.exif));
  return Buffer.concat([png.subarray(0, ihdrEnd), ...extra, png.subarray(ihdrEnd)]);
}
