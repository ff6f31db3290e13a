import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { optimiseJpegHuffman } from '../../native/image/jpegHuffman';
import { readJpegOutput } from '../../native/image/jpegOutput';
import { locateNativeHeifDecoder } from '../../native/heic/nativeHeifDecoder';
import { corpus, removeDir, tempDir } from '../helpers/media';

const pixels = async (jpeg: Uint8Array) => sharp(Buffer.from(jpeg)).raw().toBuffer();

/** The lengths of a JPEG's Huffman tables, in the order they are defined (the standard ones libjpeg writes by default are always the same). */
function huffmanTables(jpeg: Uint8Array): string[] {
  const tables: string[] = [];
  for (let at = 2; at + 4 < jpeg.length && jpeg[at + 1] !== 0xda;) {
    const end = at + 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
    for (let p = at + 4; jpeg[at + 1] === 0xc4 && p < end;) {
      const lengths = jpeg.subarray(p + 1, p + 17);
      tables.push(Array.from(lengths).join(','));
      p += 17 + lengths.reduce((n, c) => n + c, 0);
    }
    at = end;
  }
  return tables;
}

describe('optimal Huffman tables for a finished JPEG', () => {
  it('a 4:2:0 photo-like picture gets smaller with the very same pixels, and passes the output check', async () => {
    const noise = Buffer.alloc(640 * 480 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = ((i % 1920) / 8 + ((i * 2654435761) >>> 28)) & 0xff;
    const standard = await sharp(noise, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
    const optimised = optimiseJpegHuffman(standard);
    expect(optimised.length).toBeLessThan(standard.length * 0.99);
    expect((await pixels(optimised)).equals(await pixels(standard))).toBe(true);
    expect(readJpegOutput(optimised)).toMatchObject({ width: 640, height: 480 });
    // libjpeg's own optimisation of the same picture gives the same tables.
    const libjpeg = await sharp(noise, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 90, optimiseCoding: true }).toBuffer();
    expect(huffmanTables(optimised).sort()).toEqual(huffmanTables(libjpeg).sort());
  });

  it('what it does not cover comes back as it was: progressive, restart intervals, a damaged scan', async () => {
    const image = sharp({ create: { width: 64, height: 48, channels: 3, background: '#3377aa' } });
    const progressive = await image.clone().jpeg({ progressive: true }).toBuffer();
    expect(optimiseJpegHuffman(progressive)).toBe(progressive);
    const baseline = await image.clone().jpeg({ optimiseCoding: false }).toBuffer();
    const damaged = Buffer.from(baseline);
    damaged.fill(0x55, damaged.length - 40, damaged.length - 2);
    expect(optimiseJpegHuffman(damaged)).toBe(damaged);
    expect(optimiseJpegHuffman(damaged.subarray(0, 100))).toEqual(damaged.subarray(0, 100));
  });
});

describe('the native HEIC decoder\'s JPEG', () => {
  const native = locateNativeHeifDecoder();
  const dir = tempDir('convertr-heif-huffman-');
  afterAll(() => removeDir(dir));

  it.skipIf(!native)('is Huffman-optimised: smaller than libheif\'s own JPEG at the same quality, the same pixels', async () => {
    const plain = path.join(dir, 'plain.jpg');
    spawnSync(native!.binary, ['-q', '90', corpus('heic/xiaomi.heic'), plain]);
    const own = readFileSync(plain);
    const ours = await native!.decodeToJpeg(corpus('heic/xiaomi.heic'), path.join(dir, 'scratch'), 90);
    console.log(`xiaomi.heic: libheif ${own.length} bytes, optimised ${ours.length} (${((1 - ours.length / own.length) * 100).toFixed(1)} % smaller)`);
    expect(ours.length).toBeLessThan(own.length * 0.99);
    expect(huffmanTables(ours)).not.toEqual(huffmanTables(own));
    expect((await pixels(ours)).equals(await pixels(own))).toBe(true);
  }, 60_000);
});
