import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageOutput } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { corpus, removeDir, tempDir } from '../../helpers/media';

/** A JPEG segment: marker, big-endian length, body. */
function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** The JPEG with `segments` spliced in right after its SOI marker. */
function spliced(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

const exif = (tiff: Buffer) => segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));

/** A little-endian TIFF header whose first IFD is at `ifdAt`, then `rest`. */
function tiffHeader(ifdAt: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  head.writeUInt32LE(ifdAt, 4);
  return Buffer.concat([head, rest]);
}

/** An IFD0 of `entries` (tag, type, count, value) at offset 8, pointing on to nothing. */
function ifd(entries: [number, number, number, number][]): Buffer {
  const out = Buffer.alloc(2 + entries.length * 12 + 4);
  out.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, count, value], i) => {
    out.writeUInt16LE(tag, 2 + i * 12);
    out.writeUInt16LE(type, 4 + i * 12);
    out.writeUInt32LE(count, 6 + i * 12);
    out.writeUInt32LE(value, 10 + i * 12);
  });
  return out;
}

const TARGETS: ImageOutput[] = ['jpg', 'png', 'webp', 'avif', 'tiff'];

describe('damaged photo metadata never fails a conversion', () => {
  const engine = useRealEngine();
  let dir: string;
  let out: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = tempDir('convertr-badmeta-in-');
    out = tempDir('convertr-badmeta-out-');
    const clean = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } } }).jpeg().toBuffer();
    // An EXIF block of a few bytes: a TIFF header cut short after the byte order.
    writeFileSync(file('short-exif.jpg'), spliced(clean, exif(Buffer.from([0x49, 0x49, 42, 0]))));
    // IFD0 claims 40 entries and a camera model whose value lies far outside the block; its EXIF IFD pointer leads nowhere.
    const badIfd = tiffHeader(8, Buffer.concat([ifd([[0x0110, 2, 64, 0x7ffffff0], [0x8769, 4, 1, 0xfffffff0], [0x0112, 3, 1, 1]]).subarray(0, 38)]));
    badIfd.writeUInt16LE(40, 8);
    writeFileSync(file('bad-ifd.jpg'), spliced(clean, exif(badIfd)));
    // IFD0 beyond the end of the block.
    writeFileSync(file('ifd-offset.jpg'), spliced(clean, exif(tiffHeader(0x00fffff0, Buffer.alloc(16)))));
    // An ICC profile segment whose profile is garbage.
    writeFileSync(file('bad-icc.jpg'), spliced(clean, segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), Buffer.from('not a colour profile at all, just bytes'.repeat(4))]))));
    // XMP that is not XML.
    writeFileSync(file('bad-xmp.jpg'), spliced(clean, segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from('<x:xmpmeta <<<< \u0000\u00ff garbage', 'latin1')]))));
  }, 60_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(out);
  });

  const cases: [string, RegExp][] = [
    ['short-exif.jpg', /EXIF/],
    ['bad-ifd.jpg', /EXIF/],
    ['ifd-offset.jpg', /EXIF/],
    ['bad-icc.jpg', /colour profile/],
    ['bad-xmp.jpg', /XMP/],
  ];

  it('a camera JPEG whose EXIF holds no photo facts (only orientation and pixel dimensions) converts to TIFF', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('image/portrait_6.jpg'), target: 'tiff', outputDir: out });
    const meta = await sharp(result.outputPath).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['tiff', 450, 600]);
  });

  for (const [name, note] of cases) {
    it(`${name} converts to ${TARGETS.join(', ')}, and the note says what was not carried`, async () => {
      for (const target of TARGETS) {
        const result = await engine().converter.convert({ inputPath: file(name), target, outputDir: out });
        const meta = await sharp(result.outputPath).metadata();
        expect([meta.width, meta.height], `${name} -> ${target}`).toEqual([64, 48]);
        expect(result.notes.join(' '), `${name} -> ${target}`).toMatch(note);
        expect(result.notes.join(' '), `${name} -> ${target}`).toMatch(/could not be carried|not carried/);
      }
    }, 120_000);
  }
});
