/** Writes EXIF (APP1) and an ICC profile (APP2) into a JPEG that has none, without re-encoding it. */
const MAX_SEGMENT_PAYLOAD = 65533;
const EXIF_HEADER = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0x00, 0x00]);
const ICC_HEADER = new TextEncoder().encode('ICC_PROFILE\0');
const ICC_CHUNK = MAX_SEGMENT_PAYLOAD - ICC_HEADER.length - 2;

export const MAX_JPEG_EXIF_BYTES = MAX_SEGMENT_PAYLOAD - EXIF_HEADER.length;

function segment(marker: number, parts: Uint8Array[]): Uint8Array {
  const length = 2 + parts.reduce((n, p) => n + p.length, 0);
  if (length > 0xffff) throw new Error('JPEG segment too large');
  const out = new Uint8Array(2 + length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  let at = 4;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function iccSegments(icc: Uint8Array): Uint8Array[] {
  const count = Math.ceil(icc.length / ICC_CHUNK);
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(segment(0xe2, [ICC_HEADER, new Uint8Array([i + 1, count]), icc.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK)]));
  }
  return out;
}

/** APP0 (JFIF) and APP14 (Adobe: how the colours are coded) tell a decoder how to read the picture: never dropped. */
const DECODING_MARKERS = new Set([0xe0, 0xee]);

/**
 * Inserts the segments after SOI and any JFIF APP0; drops existing EXIF/ICC segments it replaces, or all
 * of them with `replaceAll` (for a JPEG whose own metadata cannot be trusted), and with `onlyThese` every
 * other metadata segment too (XMP, IPTC, maker data...): the JPEG then carries what `metadata` holds and nothing else.
 */
export function insertJpegMetadata(jpeg: Uint8Array, metadata: { exif?: Uint8Array; icc?: Uint8Array }, replaceAll = false, onlyThese = false): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const kept: Uint8Array[] = [];
  let at = 2;
  let insertAfter = 0;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xda || marker < 0xe0 || marker > 0xef) break;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    const body = jpeg.subarray(at + 4, at + 2 + length);
    const isExif = marker === 0xe1 && startsWith(body, EXIF_HEADER);
    const isIcc = marker === 0xe2 && startsWith(body, ICC_HEADER);
    const other = onlyThese && !isExif && !isIcc && !DECODING_MARKERS.has(marker);
    if (!other && !(isExif && (metadata.exif || replaceAll)) && !(isIcc && (metadata.icc || replaceAll))) {
      kept.push(jpeg.subarray(at, at + 2 + length));
      if (marker === 0xe0) insertAfter = kept.length;
    }
    at += 2 + length;
  }
  const added: Uint8Array[] = [];
  if (metadata.exif) {
    if (metadata.exif.length > MAX_JPEG_EXIF_BYTES) throw new Error('EXIF block too large for one JPEG segment');
    added.push(segment(0xe1, [EXIF_HEADER, metadata.exif]));
  }
  if (metadata.icc) added.push(...iccSegments(metadata.icc));
  const parts = [jpeg.subarray(0, 2), ...kept.slice(0, insertAfter), ...added, ...kept.slice(insertAfter), jpeg.subarray(at)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let cursor = 0;
  for (const part of parts) {
    out.set(part, cursor);
    cursor += part.length;
  }
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
