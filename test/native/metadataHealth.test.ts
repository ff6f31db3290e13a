import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { exifDamage, iccDamage, soundMetadata, xmpDamage } from '../../native/image/metadataHealth';
import { exifTiffOf } from '../../native/image/sharpImageInspector';

/** EXIF, ICC and XMP as libvips writes them: the sound blocks every check must pass. */
async function soundBlocks() {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } })
    .withExif({ IFD0: { Make: 'Canon', Model: 'EOS' }, IFD2: { DateTimeOriginal: '2024:01:02 03:04:05' } })
    .withIccProfile('p3')
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .jpeg().toBuffer();
  const meta = await sharp(jpeg).metadata();
  return { exif: exifTiffOf(meta.exif!), icc: meta.icc!, xmp: meta.xmp! };
}

describe('metadata health', () => {
  it('passes the EXIF, ICC profile and XMP libvips writes', async () => {
    const blocks = await soundBlocks();
    expect([exifDamage(blocks.exif), iccDamage(blocks.icc), xmpDamage(blocks.xmp)]).toEqual([undefined, undefined, undefined]);
    expect(soundMetadata(blocks)).toEqual({ sound: blocks, note: undefined });
  });

  it('names a short EXIF block, an IFD outside it, a value outside it and a sub-IFD loop', async () => {
    const { exif } = await soundBlocks();
    expect(exifDamage(exif.subarray(0, 4))).toMatch(/4 bytes/);
    const far = new Uint8Array(exif);
    new DataView(far.buffer).setUint32(4, 0xfffffff0, far[0] === 0x49);
    expect(exifDamage(far)).toMatch(/first IFD lies outside/);
    expect(exifDamage(exif.subarray(0, exif.length - 20))).toBeDefined();
    const loop = new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x69, 0x87, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]);
    expect(exifDamage(loop)).toMatch(/loop/);
  });

  it('names a garbled ICC profile and XMP that is not a whole document', async () => {
    const { icc, xmp } = await soundBlocks();
    expect(iccDamage(icc.subarray(0, 100))).toMatch(/100 bytes/);
    expect(iccDamage(Buffer.concat([Buffer.alloc(36), Buffer.from('nope'), Buffer.alloc(200)]))).toMatch(/signature/);
    expect(iccDamage(icc.subarray(0, icc.length - 10))).toBeDefined();
    expect(xmpDamage(xmp.subarray(0, xmp.length - 20))).toMatch(/does not end/);
    expect(xmpDamage(Buffer.from('garbage'))).toMatch(/not XML/);
  });

  it('keeps the sound blocks and says which were left out', async () => {
    const blocks = await soundBlocks();
    const { sound, note } = soundMetadata({ ...blocks, exif: blocks.exif.subarray(0, 6) });
    expect(sound).toEqual({ icc: blocks.icc, xmp: blocks.xmp });
    expect(note).toBe("The picture's metadata is damaged: the EXIF photo facts (its block is 6 bytes long) could not be carried.");
  });
});
