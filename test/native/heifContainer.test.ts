import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readExifOrientation, compactExif, withOrientationReset } from '../../native/image/exifTiff';
import { HeifParseError, parseHeif } from '../../native/image/heifContainer';
import { MAX_JPEG_EXIF_BYTES, insertJpegMetadata } from '../../native/image/jpegMetadata';
import { corpus } from '../helpers/media';

const read = (file: string) => new Uint8Array(readFileSync(corpus(file)));

describe('parseHeif', () => {
  it('reads size, rotation, ICC and EXIF of an iPhone photo without decoding it', () => {
    const summary = parseHeif(read('heic/arrow.heic'));
    expect(summary).toMatchObject({ width: 4032, height: 3024, rotation: 270, hasAlpha: false });
    expect(summary.icc?.length).toBe(548);
    expect(readExifOrientation(summary.exif!)).toBe(6);
  });

  it('sees the alpha plane of an RGBA HEIF', () => {
    expect(parseHeif(read('heic/RGBA_10__29x100.heif'))).toMatchObject({ width: 29, height: 100, hasAlpha: true });
  });

  it('rejects a corrupt file with a parse error', () => {
    expect(() => parseHeif(read('heic/corrupted.heic'))).toThrow(HeifParseError);
  });
});

describe('EXIF and JPEG metadata', () => {
  it('resets orientation to 1 and shrinks a 192 kB Xiaomi EXIF block to fit one JPEG segment, keeping its tags', () => {
    const exif = parseHeif(read('heic/xiaomi.heic')).exif!;
    expect(exif.length).toBeGreaterThan(MAX_JPEG_EXIF_BYTES);
    const compact = compactExif(withOrientationReset(exif));
    expect(compact.length).toBeLessThanOrEqual(MAX_JPEG_EXIF_BYTES);
    const text = new TextDecoder('latin1').decode(compact);
    expect(text).toContain('Xiaomi');
    expect(text).toContain('2023:04:27 19:44:18');
  });

  it('inserts EXIF and ICC segments after SOI/JFIF without touching the image data', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, 0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0xff, 0xd9]);
    const out = insertJpegMetadata(jpeg, { exif: new Uint8Array([0x4d, 0x4d, 0x00, 0x2a]), icc: new Uint8Array(70000).fill(7) });
    expect([...out.subarray(0, 8)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46]);
    expect([...out.subarray(8, 10)]).toEqual([0xff, 0xe1]);
    expect(Buffer.from(out).indexOf('ICC_PROFILE')).toBeGreaterThan(0);
    expect(Buffer.from(out).lastIndexOf('ICC_PROFILE')).toBeGreaterThan(Buffer.from(out).indexOf('ICC_PROFILE'));
    expect([...out.subarray(-8)]).toEqual([0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0xff, 0xd9]);
  });
});
