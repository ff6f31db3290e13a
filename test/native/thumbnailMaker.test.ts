import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileThumbnailMaker, THUMBNAIL_EDGE } from '../../native/thumbnails/fileThumbnailMaker';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools';
import { corpus, makeMedia, removeDir, tempDir } from '../helpers/media';

/** The picture a data: URL holds, as sharp reads it. */
async function pictureOf(url: string | null) {
  expect(url).toMatch(/^data:image\/(jpeg|webp);base64,/);
  const bytes = Buffer.from(url!.slice(url!.indexOf(',') + 1), 'base64');
  const meta = await sharp(bytes).metadata();
  const stats = await sharp(bytes).stats();
  return { format: meta.format, width: meta.width ?? 0, height: meta.height ?? 0, mean: stats.channels.slice(0, 3).map((c) => c.mean) };
}

describe('FileThumbnailMaker (real ffmpeg and sharp)', () => {
  let dir: string;
  let cache: string;
  let ffmpeg: string;
  let maker: FileThumbnailMaker;

  beforeAll(() => {
    dir = tempDir('convertr-thumbs-');
    cache = path.join(dir, 'home', 'cache', 'thumbs');
    const tools = locateFfmpegToolsFromEnvironment();
    if ('missing' in tools) throw new Error(tools.missing);
    ffmpeg = tools.ffmpeg.path;
    maker = new FileThumbnailMaker({ cacheDirectory: cache, ffmpeg });
    // A red 1280x720 clip of 3 s, and a green one shorter than the 1 s the frame is taken at.
    makeMedia(['-f', 'lavfi', '-i', 'color=c=red:s=1280x720:d=3:r=25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'red.mp4')]);
    makeMedia(['-f', 'lavfi', '-i', 'color=c=green:s=320x240:d=0.4:r=25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'short.mp4')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=d=1', path.join(dir, 'tone.mp3')]);
    makeMedia(['-f', 'lavfi', '-i', 'color=c=blue:s=200x100', '-frames:v', '1', path.join(dir, 'blue.bmp')]);
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(dir, 'portrait.jpg'));
    copyFileSync(corpus('heic/pug.heic'), path.join(dir, 'pug.heic'));
    copyFileSync(corpus('audio/with-attached-pic.mp3'), path.join(dir, 'cover.mp3'));
    writeFileSync(path.join(dir, 'broken.mp4'), Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4000, 7)]));
    writeFileSync(path.join(dir, 'notes.png'), 'this is text, not a picture');
  }, 60_000);
  afterAll(() => removeDir(dir));

  it("makes a video's frame, scaled to the longest edge, from a second in", async () => {
    const picture = await pictureOf(await maker.thumbnail([path.join(dir, 'red.mp4')]));
    expect(picture).toMatchObject({ format: 'jpeg', width: THUMBNAIL_EDGE, height: 54 });
    expect(picture.mean[0]).toBeGreaterThan(200);
    expect(picture.mean[1]).toBeLessThan(60);
  });

  it('takes the first frame of a clip shorter than a second', async () => {
    const picture = await pictureOf(await maker.thumbnail([path.join(dir, 'short.mp4')]));
    expect(picture.width).toBe(THUMBNAIL_EDGE);
    expect(picture.mean[1]).toBeGreaterThan(80);
  });

  it('makes the picture of an image, upright (EXIF orientation 6 turns it to portrait)', async () => {
    const picture = await pictureOf(await maker.thumbnail([path.join(dir, 'portrait.jpg')]));
    expect(picture.format).toBe('webp');
    expect(Math.max(picture.width, picture.height)).toBe(THUMBNAIL_EDGE);
    expect(picture.height).toBeGreaterThan(picture.width);
  });

  it('reads a BMP through ffmpeg', async () => {
    const picture = await pictureOf(await maker.thumbnail([path.join(dir, 'blue.bmp')]));
    expect(picture).toMatchObject({ width: THUMBNAIL_EDGE, height: 48 });
    expect(picture.mean[2]).toBeGreaterThan(200);
  });

  it('has none for sound (cover art included), HEIC, a damaged video, a text file named .png and a missing file, without throwing', async () => {
    for (const name of ['tone.mp3', 'cover.mp3', 'pug.heic', 'broken.mp4', 'notes.png', 'gone.mp4']) {
      await expect(maker.thumbnail([path.join(dir, name)]), name).resolves.toBeNull();
    }
  });

  it("falls back to the next file (a HEIC row's converted JPG)", async () => {
    const picture = await pictureOf(await maker.thumbnail([path.join(dir, 'pug.heic'), path.join(dir, 'portrait.jpg')]));
    expect(picture.format).toBe('webp');
  });

  it('caches pictures and "none" in the data folder, never beside the files, and serves them from there', async () => {
    const before = readdirSync(dir).sort();
    const first = await maker.thumbnail([path.join(dir, 'red.mp4')]);
    const entries = readdirSync(cache);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((name) => name.endsWith('.thumb'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(before);
    // Without ffmpeg a video has no picture: one that comes back anyway was read from the cache.
    const cachedOnly = new FileThumbnailMaker({ cacheDirectory: cache, ffmpeg: null });
    await expect(cachedOnly.thumbnail([path.join(dir, 'red.mp4')])).resolves.toBe(first);
    await expect(cachedOnly.thumbnail([path.join(dir, 'broken.mp4')])).resolves.toBeNull();
  });

  it('makes a new picture when the file changes (path, size and time are the key)', async () => {
    const file = path.join(dir, 'changing.mp4');
    copyFileSync(path.join(dir, 'red.mp4'), file);
    const red = await pictureOf(await maker.thumbnail([file]));
    makeMedia(['-f', 'lavfi', '-i', 'color=c=blue:s=640x480:d=2:r=25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const blue = await pictureOf(await maker.thumbnail([file]));
    expect(red.mean[0]).toBeGreaterThan(200);
    expect(blue.mean[2]).toBeGreaterThan(150);
    expect(blue.height).toBe(72);
  });

  it('keeps the cache bounded', async () => {
    const small = path.join(dir, 'bounded');
    const bounded = new FileThumbnailMaker({ cacheDirectory: small, ffmpeg, maxCached: 4 });
    for (let i = 0; i < 10; i++) {
      const file = path.join(dir, `copy-${i}.jpg`);
      await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: i * 20, g: 0, b: 0 } } }).jpeg().toFile(file);
      await bounded.thumbnail([file]);
    }
    expect(readdirSync(small).filter((n) => n.endsWith('.thumb')).length).toBeLessThanOrEqual(4);
  });
});
