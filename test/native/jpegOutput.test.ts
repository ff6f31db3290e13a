import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optimiseJpegHuffman } from '../../native/image/jpegHuffman';
import { JpegStructureError, readJpegOutput } from '../../native/image/jpegOutput';
import { checkWrittenJpeg } from '../../native/image/sharpImageConverter';
import { inspectImage } from '../../native/image/sharpImageInspector';
import { AppError } from '../../main/core/errors';
import { corpus, removeDir, tempDir } from '../helpers/media';

/** An EXIF block (TIFF structure) with a camera, a date taken and the orientation given. */
function exifWith(orientation: number): Record<string, Record<string, string>> {
  return { IFD0: { Make: 'Convertr', Model: 'Test Camera', Orientation: String(orientation) }, IFD2: { DateTimeOriginal: '2024:05:06 07:08:09' } };
}

/** Noise from a fixed seed: the damaged-scan test must meet the same bytes on every run. */
function picture(width: number, height: number) {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 0x2545f491;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    pixels[i] = 70 + ((state >>> 0) % 100) + (i % 3) * 20;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png();
}

/** Positions of every marker (0xFF followed by a marker code) outside entropy-coded data, from the file's start. */
function segmentStarts(bytes: Buffer): { marker: number; at: number }[] {
  const out: { marker: number; at: number }[] = [];
  let at = 2;
  while (at < bytes.length) {
    const marker = bytes[at + 1]!;
    out.push({ marker, at });
    if (marker === 0xd9) break;
    const length = bytes.readUInt16BE(at + 2);
    at += 2 + length;
    if (marker === 0xda) {
      while (!(bytes[at] === 0xff && bytes[at + 1] !== 0 && (bytes[at + 1]! < 0xd0 || bytes[at + 1]! > 0xd7))) at++;
    }
  }
  return out;
}

/** Whether the reader answers for these bytes itself: undefined (left to libjpeg) and a structure error both mean no. */
function vouchedFor(bytes: Uint8Array): boolean {
  try {
    return readJpegOutput(bytes) !== undefined;
  } catch (error) {
    if (error instanceof JpegStructureError) return false;
    throw error;
  }
}

function rejected(bytes: Uint8Array): string {
  try {
    readJpegOutput(bytes);
  } catch (error) {
    if (error instanceof JpegStructureError) return error.message;
    throw error;
  }
  throw new Error('the damaged JPEG was accepted');
}

/** The JPEG output check against sharp's read-back on real encoder output, and against damaged files. */
describe('reading a JPEG output from its bytes', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    dir = tempDir('convertr-jpeg-');
    const make = async (name: string, image: Sharp) => {
      files[name] = path.join(dir, `${name}.jpg`);
      await image.toFile(files[name]!);
    };
    const png = await picture(203, 117).toBuffer();
    await make('baseline420', sharp(png).jpeg({ quality: 90, chromaSubsampling: '4:2:0' }));
    await make('baseline444', sharp(png).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }));
    await make('progressive', sharp(png).jpeg({ quality: 80, progressive: true }));
    await make('mozjpeg', sharp(png).jpeg({ mozjpeg: true }));
    await make('grey', sharp(png).greyscale().jpeg({ quality: 75 }));
    await make('exifIcc', sharp(png).withExif(exifWith(1)).withIccProfile('p3').jpeg({ quality: 90 }));
    await make('rotatedExif', sharp(png).withExif(exifWith(6)).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }));
    await make('xmp', sharp(png).withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>').jpeg());
    await make('oneByOne', sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } }).jpeg());
    await make('large', sharp(await picture(1600, 1200).toBuffer()).jpeg({ quality: 95 }));
    files['restart'] = path.join(dir, 'restart.jpg');
    writeFileSync(path.join(dir, 'source.png'), png);
    execFileSync('vips', ['jpegsave', path.join(dir, 'source.png'), files['restart'], '--restart-interval', '2', '--Q', '85']);
    files['restartProgressive'] = path.join(dir, 'restartProgressive.jpg');
    execFileSync('vips', ['jpegsave', path.join(dir, 'source.png'), files['restartProgressive'], '--restart-interval', '1', '--interlace']);
    await make('portrait', sharp(corpus('image/portrait_6.jpg')).autoOrient().keepExif().keepIccProfile().jpeg({ quality: 90 }));
    await make('motionPhoto', sharp(corpus('image/pixel-motion-photo-shortened.jpg'), { failOn: 'none' }).autoOrient().keepExif().keepIccProfile().jpeg({ quality: 90 }));
  });
  afterAll(() => removeDir(dir));

  /** Kinds whose scans the reader cannot prove whole from their structure: libjpeg decodes them. */
  const decodedBySharp = ['progressive', 'mozjpeg', 'restart', 'restartProgressive'];

  it('says what sharp reads back from the file, for every kind of sequential JPEG sharp and libvips write, and leaves the rest to libjpeg', async () => {
    for (const [name, file] of Object.entries(files)) {
      const bytes = readFileSync(file);
      if (decodedBySharp.includes(name)) {
        expect(readJpegOutput(bytes), name).toBeUndefined();
        expect(await checkWrittenJpeg(bytes), name).toBeUndefined();
      } else {
        expect(readJpegOutput(bytes), name).toEqual(await inspectImage(file));
      }
    }
  });

  it('has libjpeg decode a progressive JPEG with a scan missing, and fails it', async () => {
    const bytes = readFileSync(files['progressive']!);
    const segments = segmentStarts(bytes);
    // The second scan, the first of the AC coefficients; libjpeg refuses the refinement that then follows.
    const second = segments.findIndex((s, i) => s.marker === 0xda && segments.findIndex((t) => t.marker === 0xda) < i);
    const missing = Buffer.concat([bytes.subarray(0, segments[second]!.at), bytes.subarray(segments[second + 1]!.at)]);
    expect(readJpegOutput(missing)).toBeUndefined();
    await expect(checkWrittenJpeg(missing)).rejects.toMatchObject({ code: 'OUTPUT_CHECK_FAILED', message: expect.stringMatching(/does not decode/) });
  });

  it('decodes every block of a sequential scan: a damaged Huffman code, or image data that ends early, is not vouched for', async () => {
    const bytes = readFileSync(files['baseline420']!);
    const sos = segmentStarts(bytes).find((s) => s.marker === 0xda)!.at;
    const data = sos + 2 + bytes.readUInt16BE(sos + 2);
    const damaged = Buffer.from(bytes);
    for (let at = data + 10; at < bytes.length - 20; at += 40) if (damaged[at] !== 0xff && damaged[at - 1] !== 0xff && (damaged[at]! ^ 0x5a) !== 0xff) damaged[at] = damaged[at]! ^ 0x5a;
    expect(vouchedFor(damaged)).toBe(false);
    // The picture is noise: whether libjpeg notices each damaged byte varies, and the check says what libjpeg says.
    const libjpeg = await sharp(damaged, { failOn: 'warning' }).stats().then(() => 'decodes', () => 'refuses');
    expect(await checkWrittenJpeg(damaged).then(() => 'decodes', (error: AppError) => error.code)).toBe(libjpeg === 'decodes' ? 'decodes' : 'OUTPUT_CHECK_FAILED');
    const short = Buffer.concat([bytes.subarray(0, bytes.length - 40), bytes.subarray(bytes.length - 2)]);
    expect(vouchedFor(short)).toBe(false);
    await expect(checkWrittenJpeg(short)).rejects.toMatchObject({ code: 'OUTPUT_CHECK_FAILED' });
  });

  it('covers the kinds the outputs are made of: progressive scans, restart markers, metadata segments', async () => {
    const markers = (name: string) => segmentStarts(readFileSync(files[name]!)).map((s) => s.marker);
    expect(markers('progressive').filter((m) => m === 0xda).length).toBeGreaterThan(1);
    expect(markers('progressive')).toContain(0xc2);
    expect(markers('restart')).toContain(0xdd);
    expect(readFileSync(files['restart']!).includes(Buffer.from([0xff, 0xd3]))).toBe(true);
    expect(markers('exifIcc')).toEqual(expect.arrayContaining([0xe1, 0xe2]));
    expect(readJpegOutput(readFileSync(files['rotatedExif']!))!.orientation).toBe(6);
    expect(readJpegOutput(readFileSync(files['exifIcc']!))!.photoTags.sort()).toEqual(['camera', 'dateTaken']);
    expect(readJpegOutput(readFileSync(files['xmp']!))!.hasXmpOrIptc).toBe(true);
  });

  it('rejects a file cut off anywhere: in a header, in a scan header, in the image data, before or inside its end marker', () => {
    for (const name of ['baseline420', 'progressive', 'restart', 'exifIcc']) {
      const bytes = readFileSync(files[name]!);
      const segments = segmentStarts(bytes);
      const sos = segments.find((s) => s.marker === 0xda)!;
      const cuts = [1, 3, 20, segments[1]!.at + 3, sos.at + 5, sos.at + 40, Math.floor(bytes.length / 2), bytes.length - 3, bytes.length - 2, bytes.length - 1];
      for (const cut of cuts) expect(() => readJpegOutput(bytes.subarray(0, cut)), `${name} cut at ${cut}`).toThrow(JpegStructureError);
    }
  });

  it('rejects a missing end marker, bytes after it, and a frame header that does not add up', () => {
    const bytes = readFileSync(files['baseline420']!);
    expect(rejected(bytes.subarray(0, bytes.length - 2))).toMatch(/cut off|end-of-image/);
    expect(rejected(Buffer.concat([bytes, Buffer.from('junk')]))).toMatch(/follow its end-of-image/);
    expect(rejected(Buffer.concat([bytes, bytes]))).toMatch(/follow its end-of-image/);
    const sof = segmentStarts(bytes).find((s) => s.marker === 0xc0)!.at;
    const longer = Buffer.from(bytes);
    longer.writeUInt16BE(longer.readUInt16BE(sof + 2) + 3, sof + 2);
    expect(rejected(longer)).toMatch(/frame header length does not match/);
    const app = segmentStarts(bytes)[0]!.at;
    expect(rejected(bytes.subarray(0, app + 8))).toMatch(/runs past the end of the file/);
    const noComponents = Buffer.from(bytes);
    noComponents[sof + 9] = 2;
    expect(rejected(noComponents)).toMatch(/2 components/);
    const zeroWide = Buffer.from(bytes);
    zeroWide.writeUInt16BE(0, sof + 7);
    expect(rejected(zeroWide)).toMatch(/is 0x117/);
    const badSampling = Buffer.from(bytes);
    badSampling[sof + 11] = 0x50;
    expect(rejected(badSampling)).toMatch(/sampling 5x0/);
  });

  it('reads a scan whose codes run out in the middle of a block as libjpeg does (zeros after the end), never past its buffer', async () => {
    // A plain picture is almost all end-of-block codes: bytes spliced into its middle leave the last blocks reading far past the data.
    const bytes = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c81e5a' } }).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
    const middle = Math.floor(bytes.length / 2);
    // Re-coded with the tables optimal for the damaged codes (as the HEIC path re-codes), they end long before the blocks do.
    const damaged = optimiseJpegHuffman(Buffer.concat([bytes.subarray(0, middle), Buffer.from([0x12, 0x34, 0xff, 0x00, 0x99]), bytes.subarray(middle + 5)]));
    expect(vouchedFor(damaged)).toBe(false);
    await expect(checkWrittenJpeg(damaged)).rejects.toMatchObject({ code: 'OUTPUT_CHECK_FAILED' });
  });

  it('does not vouch for a frame size its image data does not fill', async () => {
    const bytes = Buffer.from(readFileSync(files['baseline420']!));
    const sof = segmentStarts(bytes).find((s) => s.marker === 0xc0)!.at;
    bytes.writeUInt16BE(300, sof + 7);
    expect(readJpegOutput(bytes)).toBeUndefined();
    await expect(checkWrittenJpeg(bytes)).rejects.toMatchObject({ code: 'OUTPUT_CHECK_FAILED' });
  });

  it('rejects scans that name what the file never defined, or restart markers out of order', () => {
    const bytes = readFileSync(files['restart']!);
    const segments = segmentStarts(bytes);
    const sos = segments.find((s) => s.marker === 0xda)!.at;
    const unknownComponent = Buffer.from(bytes);
    unknownComponent[sos + 5] = 9;
    expect(rejected(unknownComponent)).toMatch(/component 9/);
    const unknownTable = Buffer.from(bytes);
    unknownTable[sos + 6] = 0x03;
    expect(rejected(unknownTable)).toMatch(/AC table 3, which is not defined/);
    const unknownDcTable = Buffer.from(bytes);
    unknownDcTable[sos + 6] = 0x30;
    expect(rejected(unknownDcTable)).toMatch(/DC table 3, which is not defined/);
    const rst3 = bytes.indexOf(Buffer.from([0xff, 0xd3]), sos);
    const outOfOrder = Buffer.from(bytes);
    outOfOrder[rst3 + 1] = 0xd5;
    expect(rejected(outOfOrder)).toMatch(/out of sequence/);
    const dri = segments.find((s) => s.marker === 0xdd)!.at;
    const noInterval = Buffer.concat([bytes.subarray(0, dri), bytes.subarray(dri + 6)]);
    expect(rejected(noInterval)).toMatch(/without a restart interval/);
    const dqt = segments.find((s) => s.marker === 0xdb)!.at;
    const noTables = Buffer.concat([bytes.subarray(0, dqt), bytes.subarray(dqt + 2 + bytes.readUInt16BE(dqt + 2))]);
    expect(rejected(noTables)).toMatch(/quantization table/);
    const dht = segments.find((s) => s.marker === 0xc4)!.at;
    const emptyHuffman = Buffer.from(bytes);
    emptyHuffman.fill(0, dht + 5, dht + 21);
    expect(rejected(emptyHuffman)).toMatch(/0 symbols/);
  });

  it('rejects a progressive file whose scans never code a component, and a stray byte between segments', () => {
    const bytes = readFileSync(files['progressive']!);
    const segments = segmentStarts(bytes);
    const first = segments.findIndex((s) => s.marker === 0xda);
    // The first scan codes the DC coefficients of every component; without it no component has a picture.
    expect([bytes[segments[first]!.at + 4], bytes[segments[first]!.at + 11]]).toEqual([3, 0]);
    const withoutFirstScan = Buffer.concat([bytes.subarray(0, segments[first]!.at), bytes.subarray(segments[first + 1]!.at)]);
    expect(rejected(withoutFirstScan)).toMatch(/component 1 has no image data/);
    const app0 = segmentStarts(bytes)[0]!.at;
    const stray = Buffer.concat([bytes.subarray(0, app0), Buffer.from([0x00]), bytes.subarray(app0)]);
    expect(rejected(stray)).toMatch(/not a marker/);
    expect(rejected(Buffer.from('not a jpeg at all'))).toMatch(/start-of-image/);
  });

  it('leaves to sharp what it does not cover (an appended MPF picture)', () => {
    const bytes = readFileSync(files['baseline420']!);
    const mpf = Buffer.concat([Buffer.from([0xff, 0xe2, 0x00, 0x08]), Buffer.from('MPF\0'), Buffer.from([0, 0])]);
    expect(readJpegOutput(Buffer.concat([bytes.subarray(0, 2), mpf, bytes.subarray(2), bytes]))).toBeUndefined();
  });

  it('turns a damaged output into the output-check error the converter reports', async () => {
    const bytes = readFileSync(files['baseline420']!);
    let error: unknown;
    try {
      await checkWrittenJpeg(bytes.subarray(0, bytes.length - 100));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('OUTPUT_CHECK_FAILED');
    expect((error as AppError).message).toMatch(/^The converted image failed its check: the JPEG is not whole/);
    expect(await checkWrittenJpeg(bytes)).toMatchObject({ format: 'jpeg', width: 203, height: 117 });
  });
});
