/**
 * Whether a picture's EXIF block, ICC profile and XMP packet are whole enough to carry into an output.
 * Each check answers undefined when the block is sound, or what is wrong with it: a damaged block is left
 * out of the output (the job's note says so) instead of failing the conversion.
 */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
/** Pointers to the EXIF, GPS and interoperability IFDs. */
const SUB_IFD_TAGS = new Set([0x8769, 0x8825, 0xa005]);

/** What is wrong with a TIFF-structured EXIF block (no "Exif\0\0" prefix), or undefined when every IFD and value lies inside it. */
export function exifDamage(block: Uint8Array): string | undefined {
  if (block.length < 8) return `its block is ${block.length} bytes long`;
  const order = String.fromCharCode(block[0]!, block[1]!);
  if (order !== 'II' && order !== 'MM') return 'its byte order is unknown';
  const little = order === 'II';
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  if (view.getUint16(2, little) !== 42) return 'its header is not TIFF';
  const visited = new Set<number>();
  const checkIfd = (at: number, what: string): string | undefined => {
    if (visited.has(at)) return `its ${what} is a loop`;
    visited.add(at);
    if (at < 8 || at + 2 > block.length) return `its ${what} lies outside the block`;
    const count = view.getUint16(at, little);
    if (at + 2 + count * 12 > block.length) return `its ${what} runs past the end of the block`;
    for (let i = 0; i < count; i++) {
      const entry = at + 2 + i * 12;
      const tag = view.getUint16(entry, little);
      const size = (TYPE_SIZES[view.getUint16(entry + 2, little)] ?? 1) * view.getUint32(entry + 4, little);
      const valueAt = view.getUint32(entry + 8, little);
      if (size > 4 && valueAt + size > block.length) return `a value of its ${what} lies outside the block`;
      if (SUB_IFD_TAGS.has(tag)) {
        const problem = checkIfd(valueAt, 'sub-IFD');
        if (problem) return problem;
      }
    }
    return undefined;
  };
  return checkIfd(view.getUint32(4, little), 'first IFD');
}

/** What is wrong with an ICC profile, or undefined when its header and tag table are whole. */
export function iccDamage(profile: Uint8Array): string | undefined {
  if (profile.length < 132) return `it is ${profile.length} bytes long`;
  const view = new DataView(profile.buffer, profile.byteOffset, profile.byteLength);
  if (String.fromCharCode(...profile.subarray(36, 40)) !== 'acsp') return 'it has no profile signature';
  if (view.getUint32(0) > profile.length) return 'it is cut short';
  const tags = view.getUint32(128);
  if (132 + tags * 12 > profile.length) return 'its tag table runs past its end';
  for (let i = 0; i < tags; i++) {
    const at = 132 + i * 12;
    if (view.getUint32(at + 4) + view.getUint32(at + 8) > profile.length) return 'a tag lies outside it';
  }
  return undefined;
}

/** What is wrong with an XMP packet, or undefined when it is an XML document with an xmpmeta or RDF element that ends. */
export function xmpDamage(packet: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(packet).replace(/^\uFEFF/, '').trim();
  if (!text.startsWith('<')) return 'it is not XML';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFD]/.test(text)) return 'it holds bytes XML does not allow';
  const root = /<(x:xmpmeta|rdf:RDF)[\s>]/.exec(text)?.[1];
  if (!root || !text.includes(`</${root}>`)) return 'its document does not end';
  return undefined;
}

export interface MetadataBlocks {
  exif?: Uint8Array;
  icc?: Uint8Array;
  xmp?: Uint8Array;
}

/**
 * The blocks that are sound, and a note naming those that are not (undefined when all are): the note is
 * the job's, so that a user learns which facts of the picture the output lacks.
 */
export function soundMetadata(blocks: MetadataBlocks): { sound: MetadataBlocks; note: string | undefined } {
  const sound: MetadataBlocks = {};
  const lost: string[] = [];
  const check = (key: keyof MetadataBlocks, name: string, damage: (bytes: Uint8Array) => string | undefined) => {
    const bytes = blocks[key];
    if (!bytes || bytes.length === 0) return;
    const problem = damage(bytes);
    if (problem) lost.push(`${name} (${problem})`);
    else sound[key] = bytes;
  };
  check('exif', 'the EXIF photo facts', exifDamage);
  check('icc', 'the colour profile', iccDamage);
  check('xmp', 'the XMP metadata', xmpDamage);
  const note = lost.length > 0 ? `The picture's metadata is damaged: ${lost.join(', ')} could not be carried.` : undefined;
  return { sound, note };
}
