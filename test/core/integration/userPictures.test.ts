import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import type { OutputFormat } from '../../../main/core/formats';
import { normalizeOptions, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import { useRealEngine } from '../../helpers/engine';
import { corpus, makeMedia, removeDir, tempDir } from '../../helpers/media';
import { failureLeavingNothing } from '../../helpers/failures';

/** Pictures as people have them (cut-off downloads, scans, very long strips, drawings), through the real engine. */
describe('pictures users have', () => {
  const engine = useRealEngine();
  let inputs: string;
  let out: string;
  const input = (name: string) => path.join(inputs, name);
  const convert = (name: string, target: OutputFormat, options: Partial<ConversionOptions> = {}) =>
    engine().converter.convert({ inputPath: input(name), target, outputDir: out, options: normalizeOptions(options) });
  const failure = (name: string, target: OutputFormat) => failureLeavingNothing<AppError>(() => convert(name, target), out, `${name} -> ${target}`);
  const cutAt = (name: string, bytes: Buffer, share: number) => writeFileSync(input(name), bytes.subarray(0, Math.floor(bytes.length * share)));

  beforeAll(async () => {
    inputs = tempDir('convertr-user-pictures-in-');
    out = tempDir('convertr-user-pictures-out-');
    // A PNG whose download stopped at 60 %: a small one (read from memory) and a phone photo (read from the file).
    const small = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 40, g: 160, b: 90 } } })
      .composite([{ input: Buffer.from('<svg width="400" height="300"><circle cx="200" cy="150" r="120" fill="#c03030"/></svg>') }])
      .toColourspace('rgb16').png().toBuffer();
    cutAt('cut-small.png', small, 0.6);
    const photo = await sharp(corpus('image/portrait_6.jpg')).png().toBuffer();
    expect(photo.length, 'the photo PNG is read from its file, not from memory').toBeGreaterThan(256 * 1024);
    cutAt('cut-photo.png', photo, 0.6);
    await sharp({ create: { width: 20000, height: 50, channels: 3, background: { r: 200, g: 120, b: 30 } } }).png().toFile(input('strip.png'));
    // A three-page scan.
    const pages = await Promise.all([10, 120, 240].map((grey) => sharp({ create: { width: 60, height: 80, channels: 3, background: { r: grey, g: grey, b: grey } } }).png().toBuffer()));
    await sharp(pages, { join: { animated: true } }).tiff().toFile(input('scan.tif'));
    pages.forEach((page, i) => writeFileSync(input(`frame${i}.png`), page));
    // A sticker-like animated PNG: three frames of 200 ms, the last one with a transparent half, looping for ever.
    const sticker = await Promise.all([[200, 30, 30, 255], [30, 200, 30, 255], [30, 30, 200, 0]].map(([r, g, b, leftAlpha]) => {
      const rgba = Buffer.alloc(60 * 80 * 4);
      for (let i = 0; i < 60 * 80; i++) rgba.set([r!, g!, b!, i % 60 < 30 ? leftAlpha! : 255], i * 4);
      return sharp(rgba, { raw: { width: 60, height: 80, channels: 4 } }).png().toBuffer();
    }));
    sticker.forEach((frame, i) => writeFileSync(input(`sticker${i}.png`), frame));
    makeMedia(['-framerate', '5', '-i', input('sticker%d.png'), '-plays', '0', '-f', 'apng', input('moving.png')]);
    writeFileSync(input('header.png'), Buffer.concat([readFileSync(input('frame0.png')).subarray(0, 8), Buffer.alloc(200, 0x78)]));
    await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 30, g: 90, b: 200, alpha: 0.5 } } }).png().toFile(input('shadow.png'));
    // Pictures whose copy stopped at 60 %: an animated GIF from the corpus, a WEBP, an AVIF and a TIFF.
    cutAt('cut-animation.gif', readFileSync(corpus('image/pigs_in_a_polka.gif')), 0.6);
    const photoPixels = sharp(corpus('image/portrait_6.jpg')).resize(300);
    cutAt('cut.webp', await photoPixels.clone().webp().toBuffer(), 0.6);
    cutAt('cut.avif', await photoPixels.clone().avif().toBuffer(), 0.6);
    cutAt('cut.tif', await photoPixels.clone().tiff().toBuffer(), 0.6);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=120x80', '-frames:v', '1', '-pix_fmt', 'bgra', input('whole.bmp')]);
    cutAt('cut.bmp', readFileSync(input('whole.bmp')), 0.6);
    // 16 bits a sample, as scanners and raw developers write: colour with alpha, and grey.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64', '-frames:v', '1', '-pix_fmt', 'rgba64be', input('deep.png')]);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64', '-frames:v', '1', '-pix_fmt', 'gray16be', input('deep-grey.png')]);
    await sharp(input('deep.png')).toColourspace('rgb16').tiff({ compression: 'lzw' }).toFile(input('deep.tif'));
    writeFileSync(input('logo.svg'), '<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><rect width="100" height="60" fill="red"/></svg>\n');
  });
  afterAll(() => {
    removeDir(inputs);
    removeDir(out);
  });

  it('a PNG cut short converts the part that arrived, at its full size, with a note', async () => {
    // libvips stops with "libpng read error" or with a warning, depending on the target's writer.
    for (const [name, width, height, target] of [['cut-small.png', 400, 300, 'jpg'], ['cut-photo.png', 600, 450, 'jpg'], ['cut-photo.png', 600, 450, 'webp']] as const) {
      const result = await convert(name, target);
      expect(result.notes.join(' '), name).toMatch(/incomplete/);
      const meta = await sharp(result.outputPath).metadata();
      expect([meta.width, meta.height], name).toEqual([width, height]);
      // The top of the picture, which arrived, is the picture's: not black, not grey.
      const top = await sharp(result.outputPath).extract({ left: 0, top: 0, width, height: Math.round(height / 4) }).stats();
      expect(top.channels[0]!.mean + top.channels[1]!.mean + top.channels[2]!.mean, name).toBeGreaterThan(90);
    }
  });

  it('cut-short PNGs converted side by side all convert (libvips then reports the cut as a warning, not a read error)', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => convert('cut-photo.png', i % 2 === 0 ? 'jpg' : 'webp')));
    for (const result of results) expect(result.notes.join(' ')).toMatch(/incomplete/);
  });

  it('a picture wider than WEBP or AVIF can hold is refused before any work, naming the size that fits; resized, it converts', async () => {
    for (const [target, limit] of [['webp', 16383], ['avif', 16384]] as const) {
      const error = await failure('strip.png', target);
      expect(error.code).toBe('TOO_LARGE');
      expect(error.message).toContain('20000x50');
      expect(error.message).toContain(`at most ${limit} pixels`);
    }
    const resized = await convert('strip.png', 'webp', { resize: 16383 });
    expect((await sharp(resized.outputPath).metadata()).width).toBe(16383);
  });

  it('a scan of several pages keeps its first page and says pages, not an animation', async () => {
    for (const target of ['jpg', 'gif'] as const) {
      const result = await convert('scan.tif', target);
      expect(result.notes.join(' '), target).toBe(`This TIFF has 3 pages; the ${target.toUpperCase()} holds its first page.`);
      expect((await sharp(result.outputPath).stats()).channels[0]!.mean, target).toBeLessThan(30);
    }
  });

  it('an animated PNG becomes a GIF or WEBP that moves: every frame, its timing, its loop and its transparency; resized too', async () => {
    for (const [target, resize, width, height] of [['gif', undefined, 60, 80], ['webp', undefined, 60, 80], ['gif', 40, 30, 40], ['webp', 40, 30, 40]] as const) {
      const result = await convert('moving.png', target, resize === undefined ? {} : { resize });
      const key = `${target} ${resize ?? ''}`;
      expect(result.notes.join(' '), key).not.toMatch(/first frame|one picture/);
      const meta = await sharp(result.outputPath, { pages: -1 }).metadata();
      expect([meta.pages, meta.width, meta.pageHeight, meta.delay, meta.loop, meta.hasAlpha], key).toEqual([3, width, height, [200, 200, 200], 0, true]);
      // The frames are the sticker's, in order: red, green, then blue with a clear left half.
      const frames = await Promise.all([0, 1, 2].map((page) => sharp(result.outputPath, { page }).raw().toBuffer({ resolveWithObject: true })));
      const pixel = (frame: number, x: number) => { const { data, info } = frames[frame]!; const at = (Math.floor(info.height / 2) * info.width + x) * info.channels; return [...data.subarray(at, at + info.channels)]; };
      expect(pixel(0, width - 1)[0], key).toBeGreaterThan(150);
      expect(pixel(1, width - 1)[1], key).toBeGreaterThan(150);
      expect(pixel(2, width - 1)[2], key).toBeGreaterThan(150);
      expect(pixel(2, 0)[3], key).toBe(0);
    }
  });

  it('an animated PNG cut short keeps the frames that arrived as a GIF that moves, and says so', async () => {
    cutAt('cut-moving.png', readFileSync(input('moving.png')), 0.9);
    const result = await convert('cut-moving.png', 'gif');
    expect((await sharp(result.outputPath).metadata()).pages).toBe(2);
    expect(result.notes).toContain('The file is incomplete or damaged; converted the 2 of its 3 frames that could be read.');
  });

  it('a GIF made from a partly transparent picture says that its soft transparency became clear or solid; clear-or-solid pictures get no such note', async () => {
    const soft = await convert('shadow.png', 'gif');
    expect(soft.notes.join(' ')).toMatch(/either clear or solid/);
    const alphaValues = await sharp(soft.outputPath).extractChannel(3).raw().toBuffer();
    expect(alphaValues.every((value) => value === 0 || value === 255), 'the GIF itself is clear or solid').toBe(true);
    expect((await convert('moving.png', 'gif')).notes.join(' ')).not.toMatch(/clear or solid/);
  });

  it('a WEBP, AVIF, TIFF or BMP cut short is called incomplete in a sentence, without the decoder\'s words or the file\'s path', async () => {
    for (const [name, format] of [['cut.webp', 'WEBP'], ['cut.avif', 'AVIF'], ['cut.tif', 'TIFF'], ['cut.bmp', 'BMP']] as const) {
      const error = await failure(name, 'jpg');
      expect(error.code, name).toBe('INPUT_CORRUPT');
      expect(error.message, name).toBe(`This ${format} file is incomplete: it ends before its picture does (a copy or download that stopped early), so there is nothing to convert.`);
    }
  });

  it('an animated GIF cut short keeps the frames that arrived and says so', async () => {
    const result = await convert('cut-animation.gif', 'gif');
    const frames = (await sharp(result.outputPath).metadata()).pages!;
    expect(frames).toBeGreaterThan(1);
    expect(frames).toBeLessThan((await sharp(corpus('image/pigs_in_a_polka.gif')).metadata()).pages!);
    expect(result.notes).toContain(`The file is incomplete; converted the ${frames} frames that could be read.`);
    expect((await convert('moving.png', 'gif')).notes.join(' ')).not.toMatch(/incomplete/);
  });

  it('a PNG whose header is damaged gets a sentence naming the header, not the decoder\'s words', async () => {
    const error = await failure('header.png', 'jpg');
    expect(error.code).toBe('INPUT_CORRUPT');
    expect(error.message).toBe('This PNG file is damaged: its header, which gives the picture\'s size and colours, cannot be read, so there is no picture to convert.');
  });

  it('an SVG drawing is named as one, not as a text file', async () => {
    const error = await failure('logo.svg', 'png');
    expect(error.code).toBe('FORMAT_UNRECOGNIZED');
    expect(error.message).toMatch(/^This is an SVG drawing/);
  });

  it('a 16-bit picture keeps its 16 bits in PNG and TIFF, colour, grey and alpha alike; JPG is 8-bit as it must be', async () => {
    for (const [name, target, space, channels] of [['deep.png', 'tiff', 'rgb16', 4], ['deep.tif', 'png', 'rgb16', 4], ['deep-grey.png', 'png', 'grey16', 1], ['deep.png', 'png', 'rgb16', 4]] as const) {
      const result = await convert(name, target);
      const written = await sharp(result.outputPath).metadata();
      expect([written.depth, written.space, written.channels], `${name} -> ${target}`).toEqual(['ushort', space, channels]);
    }
    const jpg = await sharp((await convert('deep.png', 'jpg')).outputPath).metadata();
    expect([jpg.depth, jpg.space]).toEqual(['uchar', 'srgb']);
  });
});
