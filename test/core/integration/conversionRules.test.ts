import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import type { OutputFormat } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { audiosOf, corpus, durationOf, exiftool, ffprobe, listAll, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';
import { failureLeavingNothing } from '../../helpers/failures';

/** One test per conversion rule (docs/ARCHITECTURE.md, "Where each rule lives"), on inputs made here with ffmpeg and sharp or taken from the corpus. */
describe('conversion rules', () => {
  const engine = useRealEngine();
  let inputs: string;
  let out: string;
  const input = (name: string) => path.join(inputs, name);
  const convert = (name: string, target: OutputFormat) => engine().converter.convert({ inputPath: input(name), target, outputDir: out });
  const failure = (name: string, target: OutputFormat) => failureLeavingNothing<AppError>(() => convert(name, target), out, `${name} -> ${target}`);

  beforeAll(async () => {
    inputs = tempDir('convertr-rules-in-');
    out = tempDir('convertr-rules-out-');
    const lavfi = (spec: string) => ['-f', 'lavfi', '-i', spec];
    // 4:4:4 keeps the odd size (4:2:0 cannot hold it, and ffmpeg would quietly make 320x240).
    makeMedia([...lavfi('testsrc=size=321x241:rate=25:duration=1'), ...lavfi('sine=frequency=440:duration=1'), '-vf', 'format=yuv444p', '-c:v', 'libx264', '-c:a', 'aac', '-shortest', input('odd.mkv')]);
    makeMedia([...lavfi('testsrc2=size=320x240:rate=25:duration=1'), '-c:v', 'libx264', '-pix_fmt', 'yuv444p', input('yuv444.mp4')]);
    makeMedia([...lavfi('testsrc2=size=320x240:rate=25:duration=1'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p10le', input('tenbit.mp4')]);
    makeMedia([...lavfi('sine=frequency=440:duration=2:sample_rate=48000'), '-af', 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0', '-c:a', 'aac', input('surround.m4a')]);
    makeMedia([...lavfi('sine=frequency=1000:duration=1:sample_rate=192000'), '-c:a', 'pcm_s24le', input('hires.wav')]);
    makeMedia([...lavfi('testsrc2=size=320x240:rate=25:duration=1'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', input('silent.mp4')]);
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).toColourspace('cmyk').jpeg().toFile(input('cmyk.jpg'));
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input('phone-photo.jpg'));
    copyFileSync(corpus('heic/RGBA_10__29x100.heif'), input('alpha.heif'));
    copyFileSync(corpus('heic/cat.hif'), input('camera.hif'));
    copyFileSync(corpus('image/portrait_6.jpg'), input('portrait.jpg'));
    writeFileSync(input('empty.mp4'), '');
    copyFileSync(corpus('video/ios9.mov'), input('truncated.mov'));
    truncateSync(input('truncated.mov'), 4000);
    writeFileSync(input('notes.mp4'), 'These are my meeting notes, not a video.\n');
    writeFileSync(input('stream.avi'), '#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nhttp://example.invalid/segment0.ts\n#EXTINF:10,\nfile:///etc/passwd\n');
    copyFileSync(corpus('video/iphone4s-portrait.MOV'), input('-rf dash.mov'));
    // Pictures with an alpha channel that is opaque everywhere: a screenshot-style RGBA PNG, a GIF, a 1-bit BMP.
    await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 30, g: 90, b: 200, alpha: 1 } } }).png().toFile(input('opaque-rgba.png'));
    await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 30, g: 90, b: 200, alpha: 0.4 } } }).png().toFile(input('half-clear.png'));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 30, g: 90, b: 200 } } }).gif().toFile(input('still.gif'));
    makeMedia([...lavfi('color=c=red:s=50x40'), '-frames:v', '1', '-pix_fmt', 'monob', input('mono.bmp')]);
  });
  afterAll(() => {
    removeDir(inputs);
    removeDir(out);
  });

  it('a picture whose alpha channel is opaque everywhere becomes a WEBP (libwebp drops that channel); a transparent one keeps it', async () => {
    for (const name of ['opaque-rgba.png', 'still.gif', 'mono.bmp']) {
      const result = await convert(name, 'webp');
      expect((await sharp(result.outputPath).metadata()).format, name).toBe('webp');
    }
    const clear = await convert('half-clear.png', 'webp');
    expect((await sharp(clear.outputPath).metadata()).hasAlpha).toBe(true);
    expect((await sharp(clear.outputPath).extractChannel(3).stats()).channels[0]!.mean).toBeLessThan(128);
  });

  it('odd dimensions become even in MP4 (321x241 -> 320x240)', async () => {
    expect([videoOf(ffprobe(input('odd.mkv')))!.width, videoOf(ffprobe(input('odd.mkv')))!.height], 'the input really is odd').toEqual([321, 241]);
    const result = await convert('odd.mkv', 'mp4');
    const video = videoOf(ffprobe(result.outputPath))!;
    expect([video.width, video.height]).toEqual([320, 240]);
    expect(video.pix_fmt).toBe('yuv420p');
  });

  it('yuv444p H.264 is re-encoded to yuv420p, which phones play', async () => {
    const result = await convert('yuv444.mp4', 'mp4');
    expect(result.strategy).toBe('encode');
    expect(videoOf(ffprobe(result.outputPath))!.pix_fmt).toBe('yuv420p');
  });

  it('10-bit H.264 is re-encoded to 8-bit yuv420p High profile', async () => {
    const result = await convert('tenbit.mp4', 'mp4');
    const video = videoOf(ffprobe(result.outputPath))!;
    expect(video.pix_fmt).toBe('yuv420p');
    expect(video.profile).toBe('High');
  });

  it('HLG HDR 10-bit HEVC is tone-mapped to SDR H.264 yuv420p', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('video/hlg10-color-test.mp4'), target: 'mp4', outputDir: out });
    const video = videoOf(ffprobe(result.outputPath))!;
    expect(video.codec_name).toBe('h264');
    expect(video.pix_fmt).toBe('yuv420p');
    expect(video.color_transfer).toBe('bt709');
    expect(result.notes.join(' ')).toMatch(/HDR to SDR/);
  });

  it('5.1 audio becomes stereo MP3 of the same length', async () => {
    const result = await convert('surround.m4a', 'mp3');
    const probed = ffprobe(result.outputPath);
    expect(audiosOf(probed)[0]!.channels).toBe(2);
    expect(durationOf(probed)).toBeCloseTo(2, 0);
    expect(result.notes.join(' ')).toMatch(/6 audio channels down to stereo/);
  });

  it('192 kHz WAV becomes a 48 kHz MP3', async () => {
    const result = await convert('hires.wav', 'mp3');
    expect(audiosOf(ffprobe(result.outputPath))[0]!.sample_rate).toBe('48000');
  });

  it('a video without sound refuses MP3 with NO_AUDIO_STREAM', async () => {
    const error = await failure('silent.mp4', 'mp3');
    expect(error.code).toBe('NO_AUDIO_STREAM');
    expect(error.message).toMatch(/no audio track/);
  });

  it('HEIC with alpha keeps transparency in PNG and is flattened on white in JPG', async () => {
    const png = await convert('alpha.heif', 'png');
    const pngMeta = await sharp(png.outputPath).metadata();
    expect(pngMeta.hasAlpha).toBe(true);
    expect([pngMeta.width, pngMeta.height]).toEqual([29, 100]);
    const jpg = await convert('alpha.heif', 'jpg');
    const jpgMeta = await sharp(jpg.outputPath).metadata();
    expect(jpgMeta.hasAlpha).toBe(false);
    expect(jpgMeta.channels).toBe(3);
    const alpha = await sharp(png.outputPath).extractChannel(3).raw().toBuffer();
    const transparentAt = alpha.findIndex((v) => v === 0);
    if (transparentAt >= 0) {
      const rgb = await sharp(jpg.outputPath).raw().toBuffer();
      expect(Math.min(rgb[transparentAt * 3]!, rgb[transparentAt * 3 + 1]!, rgb[transparentAt * 3 + 2]!)).toBeGreaterThan(200);
    }
  });

  it('10-bit 4:2:2 camera HEIF (.hif) becomes a JPG that keeps the camera metadata', async () => {
    const result = await convert('camera.hif', 'jpg');
    const tags = exiftool(result.outputPath, ['ImageWidth', 'ImageHeight', 'Make', 'Model']);
    expect([tags['ImageWidth'], tags['ImageHeight'], tags['Make'], tags['Model']]).toEqual([4240, 2832, 'SONY', 'ILCE-7SM3']);
  });

  it('EXIF orientation 6 is applied to the pixels and the tag reset', async () => {
    const result = await convert('portrait.jpg', 'webp');
    const meta = await sharp(result.outputPath).metadata();
    expect([meta.width, meta.height]).toEqual([450, 600]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('a CMYK JPEG becomes an sRGB PNG with the right colours', async () => {
    const result = await convert('cmyk.jpg', 'png');
    const meta = await sharp(result.outputPath).metadata();
    expect(meta.space).toBe('srgb');
    const { dominant } = await sharp(result.outputPath).stats();
    expect(dominant.r).toBeGreaterThan(150);
    expect(dominant.g).toBeLessThan(90);
  });

  it('a HEIC photo named .jpg is detected from its content', async () => {
    const result = await convert('phone-photo.jpg', 'jpg');
    expect(result.pair).toBe('HEIC->JPG');
    expect(path.basename(result.outputPath)).toBe('phone-photo.jpg');
    expect(exiftool(result.outputPath, ['FileType'])['FileType']).toBe('JPEG');
  });

  it('a zero-byte file fails with INPUT_EMPTY', async () => {
    expect((await failure('empty.mp4', 'mp3')).code).toBe('INPUT_EMPTY');
  });

  it('a truncated video fails with INPUT_CORRUPT, said to be cut short, ffprobe\'s reason kept as the detail', async () => {
    const error = await failure('truncated.mov', 'mp4');
    expect(error.code).toBe('INPUT_CORRUPT');
    expect(error.message).toMatch(/^This file is cut short: only 1 % of its data is there/);
    expect(error.detail).toBeTruthy();
  });

  it('a truncated or corrupt HEIC fails with INPUT_CORRUPT', async () => {
    for (const name of ['truncated.heic', 'corrupted.heic']) {
      const before = listAll(out);
      const error = await engine().converter.convert({ inputPath: corpus(`heic/${name}`), target: 'jpg', outputDir: out }).then(() => undefined, (e: AppError) => e);
      expect(error?.code).toBe('INPUT_CORRUPT');
      expect(listAll(out)).toEqual(before);
    }
  });

  it('a text file named .mp4 fails with FORMAT_UNRECOGNIZED', async () => {
    const error = await failure('notes.mp4', 'mp3');
    expect(error.code).toBe('FORMAT_UNRECOGNIZED');
    expect(error.message).toMatch(/text file/);
  });

  it('an HLS playlist named .avi is refused without opening what it points to', async () => {
    const error = await failure('stream.avi', 'mp4');
    expect(error.code).toBe('PLAYLIST_REFUSED');
  });

  it('a file name starting with "-" is read as a file, never as an ffmpeg option', async () => {
    const result = await convert('-rf dash.mov', 'mp4');
    expect(path.basename(result.outputPath)).toBe('-rf dash.mp4');
    expect(videoOf(ffprobe(result.outputPath))!.codec_name).toBe('h264');
  });

  it('image subtitles are dropped with a note, never a failure; AC-3 audio becomes AAC', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('video/sample_with_pgs_subtitles.mkv'), target: 'mp4', outputDir: out });
    const probed = ffprobe(result.outputPath);
    expect(probed.streams.filter((s) => s.codec_type === 'subtitle')).toEqual([]);
    expect(audiosOf(probed).map((a) => a.codec_name)).toEqual(['aac']);
    expect(result.notes.join(' ')).toMatch(/subtitle/);
  });

  it('an MP3 behind 100 kB of junk converts its real 1 s of audio, not 70 s of noise', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('audio/100kB-garbage-prefix.mp3'), target: 'wav', outputDir: out });
    expect(durationOf(ffprobe(result.outputPath))).toBeCloseTo(1.04, 1);
  });

  it('an unsupported pair is refused before any work with PAIR_UNSUPPORTED', async () => {
    // Sound alone may become an MP4 (an audio-only MP4 is a valid file), but never an AVI or a picture.
    const error = await failure('hires.wav', 'avi');
    expect(error.code).toBe('PAIR_UNSUPPORTED');
    expect(error.message).toMatch(/WAV->AVI is not supported/);
    expect((await failure('hires.wav', 'jpg')).code).toBe('PAIR_UNSUPPORTED');
  });

  it('never overwrites: a second conversion of the same input gets "name (1).ext"', async () => {
    const first = await convert('hires.wav', 'flac');
    const second = await convert('hires.wav', 'flac');
    expect(path.basename(first.outputPath)).toBe('hires.flac');
    expect(path.basename(second.outputPath)).toBe('hires (1).flac');
  });

  it('inputs are never modified', () => {
    expect(readFileSync(input('phone-photo.jpg')).equals(readFileSync(corpus('heic/IMG_5195.HEIC')))).toBe(true);
  });
});
