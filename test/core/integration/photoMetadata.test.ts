import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFormat } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { corpus, exiftool, removeDir, tempDir } from '../../helpers/media';

const TAGS = ['FileType', 'ImageWidth', 'ImageHeight', 'Orientation', 'DateTimeOriginal', 'GPSLatitude', 'Make', 'Model', 'ProfileDescription'];

/** Date taken, GPS, camera and colour profile of an iPhone photo, as exiftool reads them from each output. */
describe('photo metadata survives into every image target that can hold it', () => {
  const engine = useRealEngine();
  let out: string;
  const convert = (inputPath: string, target: OutputFormat) => engine().converter.convert({ inputPath, target, outputDir: out });
  const expectPhotoMetadata = (file: string, what: string) => {
    const tags = exiftool(file, TAGS);
    expect(tags['Orientation'] ?? 1, what).toBe(1);
    expect(tags['DateTimeOriginal'], what).toBe('2021:04:11 15:47:53');
    expect(Number(tags['GPSLatitude']), what).toBeCloseTo(39.05, 1);
    expect([tags['Make'], tags['Model']], what).toEqual(['Apple', 'iPhone 11 Pro Max']);
    expect(tags['ProfileDescription'], what).toBe('Display P3');
    expect([tags['ImageWidth'], tags['ImageHeight']], what).toEqual([2566, 3313]);
  };

  beforeAll(() => {
    out = tempDir('convertr-metadata-');
  });
  afterAll(() => removeDir(out));

  it('HEIC -> PNG (eXIf), WEBP and AVIF keep date taken, GPS, camera and the ICC profile', async () => {
    for (const target of ['png', 'webp', 'avif'] as const) {
      const result = await convert(corpus('heic/IMG_5195.HEIC'), target);
      expectPhotoMetadata(result.outputPath, `HEIC->${target}`);
    }
  });

  it('JPG, PNG and WEBP sources pass theirs on too', async () => {
    const jpg = await convert(corpus('heic/IMG_5195.HEIC'), 'jpg');
    const png = await convert(jpg.outputPath, 'png');
    expectPhotoMetadata(png.outputPath, 'JPG->PNG');
    const webp = await convert(png.outputPath, 'webp');
    expectPhotoMetadata(webp.outputPath, 'PNG->WEBP');
    const back = await convert(webp.outputPath, 'jpg');
    expectPhotoMetadata(back.outputPath, 'WEBP->JPG');
  });

  it('HEIC -> TIFF and JPG -> TIFF keep them too (the TIFF gets EXIF and GPS IFDs of its own)', async () => {
    const tiff = await convert(corpus('heic/IMG_5195.HEIC'), 'tiff');
    expectPhotoMetadata(tiff.outputPath, 'HEIC->TIFF');
    const jpg = await convert(corpus('heic/IMG_5195.HEIC'), 'jpg');
    expectPhotoMetadata((await convert(jpg.outputPath, 'tiff')).outputPath, 'JPG->TIFF');
  });

  it('TIFF sources pass theirs on to JPG, PNG, WEBP, AVIF and TIFF (libvips reads no EXIF from a TIFF: we do)', async () => {
    const tiff = (await convert(corpus('heic/IMG_5195.HEIC'), 'tiff')).outputPath;
    for (const target of ['jpg', 'png', 'webp', 'avif', 'tiff'] as const) {
      expectPhotoMetadata((await convert(tiff, target)).outputPath, `TIFF->${target}`);
    }
  });

  it('a HEIC with a container rotation and EXIF orientation 6 becomes an upright PNG with orientation 1', async () => {
    const result = await convert(corpus('heic/arrow.heic'), 'png');
    const tags = exiftool(result.outputPath, ['ImageWidth', 'ImageHeight', 'Orientation']);
    expect([tags['ImageWidth'], tags['ImageHeight'], tags['Orientation'] ?? 1]).toEqual([3024, 4032, 1]);
  });

  it('a picture without metadata gets none made up: no EXIF block, no colour profile in any target', async () => {
    const bare = path.join(out, 'bare.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toFile(bare);
    for (const target of ['jpg', 'png', 'webp', 'avif', 'tiff'] as const) {
      // A TIFF's own header is EXIF-shaped to exiftool: there only the EXIF sub-directory would be made up.
      const exif = target === 'tiff' ? ['ExifVersion', 'ExifImageWidth'] : ['EXIF:all'];
      const tags = exiftool((await convert(bare, target)).outputPath, [...exif, 'ICC_Profile:all']);
      expect(Object.keys(tags).filter((tag) => tag !== 'SourceFile'), `PNG->${target}`).toEqual([]);
    }
  });
});
