import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegBmpDecoder } from '../../native/image/bmpDecoder';
import { SharpImageConverter } from '../../native/image/sharpImageConverter';
import { HeicDecoderPool } from '../../native/heic/heicDecoderPool';
import { NativeHeifDecoder, locateNativeHeifDecoder } from '../../native/heic/nativeHeifDecoder';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner';
import { corpus, exiftool, removeDir, tempDir } from '../helpers/media';

const pool = new HeicDecoderPool(2);
afterAll(() => pool.close());

async function convert(nativeHeif: NativeHeifDecoder | undefined, file: string, stripMetadata = false) {
  const dir = tempDir('convertr-heif-');
  const out = path.join(dir, 'out.part');
  const images = new SharpImageConverter(pool, new FfmpegBmpDecoder(new ProcessFfmpegRunner('ffmpeg')), nativeHeif);
  const scratchDir = path.join(dir, 'scratch');
  mkdirSync(scratchDir);
  const result = await images.convert({ inputPath: corpus(file), sourceFormat: 'heic', target: 'jpg', outputPath: out, maxPixels: 2e8, scratchDir, stripMetadata });
  const tags = exiftool(out, ['ImageWidth', 'ImageHeight', 'Orientation', 'Model', 'ProfileDescription', 'GPSLatitude', 'XMP:all']);
  const inspected = await images.inspect(out);
  const leftovers = existsSync(`${out}.jpg`) || readdirSync(scratchDir).length > 0;
  removeDir(dir);
  return { result, tags, inspected, leftovers };
}

describe('HEIC decoding paths', () => {
  it('falls back to heic-decode when the native decoder fails, with the same result', async () => {
    const { result, tags, leftovers } = await convert(new NativeHeifDecoder('/bin/false'), 'heic/arrow.heic');
    expect(result.expectation).toMatchObject({ width: 3024, height: 4032, exif: true, icc: true });
    expect(tags).toMatchObject({ ImageWidth: 3024, ImageHeight: 4032, Orientation: 1, Model: 'iPhone 8 Plus', ProfileDescription: 'Display P3' });
    expect(leftovers).toBe(false);
  });

  const native = locateNativeHeifDecoder();

  it.skipIf(!native)('an iPhone photo (EXIF, XMP, GPS) to JPG without metadata through the native decoder: none of it left, the colour profile kept', async () => {
    const { result, tags } = await convert(native, 'heic/IMG_5195.HEIC', true);
    expect(result.expectation).toMatchObject({ exif: false, noMetadata: true });
    expect(tags['Model']).toBeUndefined();
    expect(tags['GPSLatitude']).toBeUndefined();
    expect(Object.keys(tags).filter((tag) => /^XMP|CreateDate|CreatorTool/.test(tag))).toEqual([]);
    expect(tags['ProfileDescription']).toBe('Display P3');
    // Without the option the photo's XMP stays, as libheif copies it.
    const kept = await convert(native, 'heic/IMG_5195.HEIC');
    expect(kept.tags['Model']).toBeDefined();
  });
  it.skipIf(!native)('uses the native decoder where installed, rotating once and writing our metadata (orientation 1)', async () => {
    const { result, tags } = await convert(native, 'heic/arrow.heic');
    expect(result.expectation).toMatchObject({ width: 3024, height: 4032 });
    expect(tags).toMatchObject({ ImageWidth: 3024, ImageHeight: 4032, Orientation: 1, Model: 'iPhone 8 Plus', ProfileDescription: 'Display P3' });
  });
});
