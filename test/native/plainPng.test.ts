import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlainPng } from '../../native/image/plainPng';
import { pngChunk } from '../../native/image/pngMetadata';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** Chunk types of a PNG, in order. */
function chunkTypes(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) out.push(bytes.toString('latin1', at + 4, at + 8));
  return out;
}

/** The PNG with a chunk inserted right after IHDR. */
function withChunk(png: Buffer, type: string, data: Uint8Array): Buffer {
  return Buffer.concat([png.subarray(0, 33), pngChunk(type, data), png.subarray(33)]);
}

/** A plain PNG's header read from its bytes, against sharp's header read, and every PNG it must leave to sharp. */
describe('reading a plain PNG header without sharp', () => {
  let dir: string;
  const pngs: Record<string, Buffer> = {};
  beforeAll(async () => {
    dir = tempDir('convertr-png-');
    const base = sharp({ create: { width: 67, height: 41, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } });
    pngs['rgb'] = await base.clone().removeAlpha().png().toBuffer();
    pngs['rgba'] = await base.clone().png().toBuffer();
    pngs['grey'] = await base.clone().removeAlpha().toColourspace('b-w').png().toBuffer();
    pngs['greyAlpha'] = await base.clone().toColourspace('b-w').png().toBuffer();
    pngs['palette'] = await base.clone().removeAlpha().png({ palette: true, colours: 16 }).toBuffer();
    pngs['paletteTransparent'] = await base.clone().png({ palette: true, colours: 16 }).toBuffer();
    pngs['sixteenBit'] = await base.clone().toColourspace('rgb16').png().toBuffer();
    pngs['interlaced'] = await base.clone().png({ progressive: true }).toBuffer();
    const ffmpegPng = path.join(dir, 'ffmpeg.png');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '1', '-pix_fmt', 'rgb24', ffmpegPng]);
    pngs['ffmpeg'] = readFileSync(ffmpegPng);
    // A grey PNG whose tRNS chunk makes one grey level transparent (written by hand: encoders rarely do).
    const grey = pngs['grey']!;
    pngs['greyTrns'] = withChunk(grey, 'tRNS', new Uint8Array([0, 128]));
    pngs['rgbTrns'] = withChunk(pngs['rgb']!, 'tRNS', new Uint8Array([0, 200, 0, 40, 0, 90]));
  });
  afterAll(() => removeDir(dir));

  it('says what sharp says of each kind of plain PNG: size and transparency', async () => {
    for (const [name, png] of Object.entries(pngs)) {
      const meta = await sharp(png).metadata();
      expect(meta.exif, name).toBeUndefined();
      expect(meta.icc, name).toBeUndefined();
      expect(readPlainPng(png), name).toEqual({ width: meta.width, height: meta.height, hasAlpha: meta.hasAlpha });
    }
    expect(chunkTypes(pngs['paletteTransparent']!)).toContain('tRNS');
    // Every colour type: grey, RGB, palette, grey with alpha, RGBA.
    expect(new Set(Object.values(pngs).map((png) => png[25]))).toEqual(new Set([0, 2, 3, 4, 6]));
    expect(readPlainPng(pngs['greyTrns']!)!.hasAlpha).toBe(true);
    expect(readPlainPng(pngs['grey']!)!.hasAlpha).toBe(false);
  });

  it('leaves to sharp a PNG with metadata, text or frames', async () => {
    const rgb = pngs['rgb']!;
    const withIcc = await sharp(rgb).withIccProfile('p3').png().toBuffer();
    expect(chunkTypes(withIcc)).toContain('iCCP');
    expect(readPlainPng(withIcc)).toBeUndefined();
    const withExif = await sharp(rgb).withExif({ IFD0: { Make: 'Convertr' } }).png().toBuffer();
    expect(chunkTypes(withExif)).toContain('eXIf');
    expect(readPlainPng(withExif)).toBeUndefined();
    expect(readPlainPng(withChunk(rgb, 'tEXt', Buffer.from('Comment\0hello', 'latin1')))).toBeUndefined();
    expect(readPlainPng(withChunk(rgb, 'acTL', new Uint8Array(8)))).toBeUndefined();
  });

  it('leaves to sharp a PNG whose image data is damaged under a valid checksum, or does not fill the picture', async () => {
    for (const name of ['rgba', 'palette', 'interlaced']) {
      const png = pngs[name]!;
      expect(readPlainPng(png), name).toBeDefined();
      const idat = png.indexOf('IDAT') - 4;
      const length = png.readUInt32BE(idat);
      const damaged = Buffer.from(png);
      damaged[idat + 8 + Math.floor(length / 2)] = damaged[idat + 8 + Math.floor(length / 2)]! ^ 0x55;
      damaged.writeUInt32BE(crc32(damaged.subarray(idat + 4, idat + 8 + length)), idat + 8 + length);
      expect(readPlainPng(damaged), name).toBeUndefined();
      await expect(sharp(damaged, { failOn: 'warning' }).raw().toBuffer(), name).rejects.toThrow();
      // The same image data under a header that promises one more row.
      const taller = Buffer.from(png);
      taller.writeUInt32BE(taller.readUInt32BE(20) + 1, 20);
      taller.writeUInt32BE(crc32(taller.subarray(12, 29)), 29);
      expect(readPlainPng(taller), name).toBeUndefined();
      await expect(sharp(taller, { failOn: 'warning' }).raw().toBuffer(), name).rejects.toThrow();
    }
  });

  it('leaves to sharp a PNG that is not whole or not well formed', () => {
    const png = pngs['rgb']!;
    for (const cut of [4, 8, 20, 33, 40, png.length - 12, png.length - 1]) expect(readPlainPng(png.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
    const badCrc = Buffer.from(png);
    // A byte of the chunk after IHDR's data (its type stays a plain one).
    badCrc[45] = badCrc[45]! ^ 0xff;
    expect(chunkTypes(badCrc)).toEqual(chunkTypes(png));
    expect(readPlainPng(badCrc)).toBeUndefined();
    expect(readPlainPng(Buffer.concat([png, Buffer.from('trailing')]))).toBeUndefined();
    const noData = Buffer.concat([png.subarray(0, 33), png.subarray(png.length - 12)]);
    expect(chunkTypes(noData)).toEqual(['IHDR', 'IEND']);
    expect(readPlainPng(noData)).toBeUndefined();
    const idat = png.indexOf('IDAT') - 4;
    const ihdrSecond = Buffer.concat([png.subarray(0, 8), png.subarray(idat, png.length - 12), png.subarray(8, 33), png.subarray(png.length - 12)]);
    expect(readPlainPng(ihdrSecond)).toBeUndefined();
    const badDepth = Buffer.from(png);
    badDepth[24] = 3;
    badDepth.writeUInt32BE(crc32(badDepth.subarray(12, 29)), 29);
    expect(readPlainPng(badDepth)).toBeUndefined();
    expect(readPlainPng(Buffer.from('not a png'))).toBeUndefined();
    // libpng ignores a tRNS chunk after the image data: sharp then says there is no alpha.
    const iend = png.length - 12;
    expect(readPlainPng(Buffer.concat([png.subarray(0, iend), pngChunk('tRNS', new Uint8Array(6)), png.subarray(iend)]))).toBeUndefined();
    // A tRNS chunk of the wrong size for the colour type (libpng ignores it), or in a PNG that has an alpha channel.
    expect(readPlainPng(withChunk(png, 'tRNS', new Uint8Array([0, 128])))).toBeUndefined();
    expect(readPlainPng(withChunk(pngs['rgba']!, 'tRNS', new Uint8Array(6)))).toBeUndefined();
    const split = Buffer.concat([png.subarray(0, iend), pngChunk('pHYs', new Uint8Array(9)), pngChunk('IDAT', new Uint8Array(0)), png.subarray(iend)]);
    expect(readPlainPng(split)).toBeUndefined();
  });
});
