import type { PictureFacts } from '../../scheduling/memoryEstimate.js';

/** The size and sample layout of a PNG, JPEG, GIF, WebP or HEIF from the first bytes of the file; undefined for anything else. */
export function readPictureFacts(head: Uint8Array): PictureFacts | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  try {
    if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return pngFacts(head, view);
    if (head[0] === 0xff && head[1] === 0xd8) return jpegFacts(head, view);
    if (latin1(head, 0, 4) === 'GIF8') return { width: view.getUint16(6, true), height: view.getUint16(8, true), bands: 4, bytesPerSample: 1, progressive: false };
    if (latin1(head, 0, 4) === 'RIFF' && latin1(head, 8, 4) === 'WEBP') return webpFacts(head, view);
    if (latin1(head, 4, 4) === 'ftyp' && HEIF_BRANDS.has(latin1(head, 8, 4))) return heifFacts(head, view);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return undefined;
}

/** Four-character codes and signatures, read without spreading the bytes (that costs more than the rest of the header read). */
function latin1(bytes: Uint8Array, at: number, length: number): string {
  let text = '';
  for (let i = at; i < at + length && i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

const PNG_BANDS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

function pngFacts(head: Uint8Array, view: DataView): PictureFacts | undefined {
  const colourType = head[25]!;
  let bands = PNG_BANDS[colourType];
  if (bands === undefined || latin1(head, 12, 4) !== 'IHDR') return undefined;
  // A tRNS chunk (before the pixel data) gives grey, RGB and palette pictures an alpha band.
  for (let at = 33; at + 8 <= head.length;) {
    const type = latin1(head, at + 4, 4);
    if (type === 'IDAT') break;
    if (type === 'tRNS' && (colourType === 0 || colourType === 2 || colourType === 3)) bands += 1;
    at += 12 + view.getUint32(at);
  }
  return { width: view.getUint32(16), height: view.getUint32(20), bands, bytesPerSample: head[24] === 16 ? 2 : 1, progressive: head[28] === 1 };
}

/** Start-of-frame markers (baseline, extended, progressive, lossless; not DHT, JPG or DAC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const PROGRESSIVE_SOF = new Set([0xc2, 0xc6, 0xca, 0xce]);

function jpegFacts(head: Uint8Array, view: DataView): PictureFacts | undefined {
  let orientation: number | undefined;
  for (let at = 2; at + 4 <= head.length;) {
    if (head[at] !== 0xff) return undefined;
    const marker = head[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (SOF.has(marker)) {
      return {
        width: view.getUint16(at + 7), height: view.getUint16(at + 5), bands: head[at + 9]!,
        bytesPerSample: head[at + 4]! > 8 ? 2 : 1, progressive: PROGRESSIVE_SOF.has(marker), orientation,
      };
    }
    if (marker === 0xe1 && latin1(head, at + 4, 6) === 'Exif\0\0') orientation = exifOrientation(head.subarray(at + 10, at + 2 + length));
    if (marker === 0xda) return undefined;
    at += 2 + length;
  }
  return undefined;
}

/** The orientation tag of IFD0 of an EXIF block; undefined when absent or out of bounds. */
function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count && ifd + 14 + i * 12 <= tiff.length; i++) {
    if (view.getUint16(ifd + 2 + i * 12, little) === 0x0112) return view.getUint16(ifd + 10 + i * 12, little);
  }
  return undefined;
}

function webpFacts(head: Uint8Array, view: DataView): PictureFacts | undefined {
  const chunk = latin1(head, 12, 4);
  const u24 = (at: number) => head[at]! | (head[at + 1]! << 8) | (head[at + 2]! << 16);
  if (chunk === 'VP8X') return { width: u24(24) + 1, height: u24(27) + 1, bands: head[20]! & 0x10 ? 4 : 3, bytesPerSample: 1, progressive: false };
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, bands: 3, bytesPerSample: 1, progressive: false };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, bands: (bits >> 28) & 1 ? 4 : 3, bytesPerSample: 1, progressive: false };
  }
  return undefined;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);
/** What a HEIF decoder holds besides the RGBA picture: the coded data, the decoded planes and its heap (heic-decode's WebAssembly). */
const HEIF_DECODER_BYTES_PER_PIXEL = 16;

/**
 * A HEIF's picture size from its largest image spatial extents ('ispe') property: the primary picture, which
 * is decoded whole (into RGBA), not its tiles or thumbnail.
 */
function heifFacts(head: Uint8Array, view: DataView): PictureFacts | undefined {
  let width = 0;
  let height = 0;
  for (let at = head.indexOf(0x69, 12); at >= 0 && at + 16 <= head.length; at = head.indexOf(0x69, at + 1)) {
    if (latin1(head, at, 4) !== 'ispe') continue;
    const w = view.getUint32(at + 8);
    const h = view.getUint32(at + 12);
    if (w * h > width * height) [width, height] = [w, h];
  }
  if (width === 0 || height === 0) return undefined;
  return { width, height, bands: 4, bytesPerSample: 1, progressive: true, decoderBytesPerPixel: HEIF_DECODER_BYTES_PER_PIXEL };
}
