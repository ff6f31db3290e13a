import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import type { OutputFormat } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { exiftool, ffprobe, listAll, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/** Quality, size limits, resize, metadata stripping and the conflict policy on real files, real ffmpeg and sharp. */
describe('conversion options', () => {
  const engine = useRealEngine();
  let dir: string;
  let clip1080: string;
  let photo: string;
  let song: string;
  const convert = (inputPath: string, target: OutputFormat, options: Partial<ConversionOptions>, outputDir: string) =>
    engine().converter.convert({ inputPath, target, outputDir, options: normalizeOptions(options) });

  beforeAll(() => {
    dir = tempDir('convertr-options-');
    clip1080 = path.join(dir, 'clip1080.mp4');
    // 40 s of 1080p with stereo sound: a moving test pattern that does not compress to nothing.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=40', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=40:sample_rate=48000',
      '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest', clip1080]);
    song = path.join(dir, 'song.wav');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=20:color=pink:sample_rate=44100', '-ac', '2', song]);
  });
  afterAll(() => removeDir(dir));

  beforeAll(async () => {
    // A 12-megapixel phone-sized photo with GPS, a camera serial number, XMP and IPTC.
    photo = path.join(dir, 'photo.jpg');
    const noise = Buffer.alloc(4032 * 3024 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    writeFileSync(photo, await sharp(noise, { raw: { width: 4032, height: 3024, channels: 3 } }).jpeg({ quality: 80 }).toBuffer());
    execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E',
      '-Make=Convertr', '-Model=Test Camera', '-SerialNumber=SN-1234567', '-DateTimeOriginal=2024:05:01 10:00:00', '-XMP:Creator=Someone', '-IPTC:City=Paris', photo]);
  });

  it('--max-size 4MB on a 40 s 1080p clip lands between 2.8 and 4.0 MB and passes the output check', async () => {
    const out = tempDir('convertr-maxsize-');
    try {
      const result = await convert(clip1080, 'mp4', { maxSizeBytes: 4_000_000 }, out);
      const bytes = statSync(result.outputPath).size;
      console.log(`40 s 1080p with --max-size 4MB: ${bytes} bytes (${((bytes / 4_000_000) * 100).toFixed(1)} % of the limit)`);
      expect(bytes).toBeLessThanOrEqual(4_000_000);
      expect(bytes).toBeGreaterThanOrEqual(2_800_000);
      const probed = ffprobe(result.outputPath);
      expect(Number(probed.format.duration)).toBeCloseTo(40, 0);
      expect(videoOf(probed)?.codec_name).toBe('h264');
      expect(listAll(out)).toEqual([path.basename(result.outputPath)]);
    } finally {
      removeDir(out);
    }
  }, 240_000);

  it('a size no one would want is refused before any work, with the size it needs', async () => {
    const out = tempDir('convertr-maxsize-');
    try {
      await expect(convert(clip1080, 'mp4', { maxSizeBytes: 300_000 }, out)).rejects.toMatchObject({ code: 'SIZE_UNREACHABLE', message: expect.stringMatching(/needs at least \d/) });
      expect(listAll(out)).toEqual([]);
    } finally {
      removeDir(out);
    }
  });

  it('--resize 640 on 1080p video gives 640x360', async () => {
    const out = tempDir('convertr-resize-');
    try {
      const result = await convert(clip1080, 'mp4', { resize: 640 }, out);
      const video = videoOf(ffprobe(result.outputPath))!;
      expect([video.width, video.height]).toEqual([640, 360]);
      // Never upscaled: a limit above the picture leaves it as it is.
      const same = await convert(result.outputPath, 'mkv', { resize: 4000 }, out);
      const kept = videoOf(ffprobe(same.outputPath))!;
      expect([kept.width, kept.height]).toEqual([640, 360]);
    } finally {
      removeDir(out);
    }
  }, 120_000);

  it('a 4032x3024 photo with GPS, --resize 1024 --strip-metadata to WEBP: 1024x768 and no GPS; without the flag the GPS survives', async () => {
    const out = tempDir('convertr-photo-');
    const TAGS = ['ImageWidth', 'ImageHeight', 'GPSLatitude', 'SerialNumber', 'Make', 'Creator', 'City'];
    try {
      const stripped = await convert(photo, 'webp', { resize: 1024, stripMetadata: true }, out);
      const tags = exiftool(stripped.outputPath, TAGS);
      expect([tags['ImageWidth'], tags['ImageHeight']]).toEqual([1024, 768]);
      expect(tags['GPSLatitude']).toBeUndefined();
      expect(tags['SerialNumber']).toBeUndefined();
      expect(tags['Make']).toBeUndefined();
      expect(tags['Creator']).toBeUndefined();

      const kept = await convert(photo, 'webp', { resize: 1024 }, out);
      const keptTags = exiftool(kept.outputPath, TAGS);
      expect([keptTags['ImageWidth'], keptTags['ImageHeight']]).toEqual([1024, 768]);
      expect(Number(keptTags['GPSLatitude'])).toBeCloseTo(48.8584, 3);
    } finally {
      removeDir(out);
    }
  }, 60_000);

  it('--strip-metadata on video removes the recording location and the container tags', async () => {
    const out = tempDir('convertr-video-meta-');
    try {
      const tagged = path.join(out, 'tagged.mov');
      makeMedia(['-i', clip1080, '-t', '2', '-c', 'copy', '-metadata', 'location=+48.8584+002.2945/', '-metadata', 'title=Secret', '-metadata', 'com.apple.quicktime.make=Convertr', tagged]);
      expect(ffprobe(tagged).format.tags?.['location']).toBeDefined();
      const stripped = await convert(tagged, 'mp4', { stripMetadata: true }, path.join(out, 'stripped'));
      const tags = ffprobe(stripped.outputPath).format.tags ?? {};
      expect(Object.keys(tags).filter((k) => /location|title|make|xyz/i.test(k))).toEqual([]);
      const kept = await convert(tagged, 'mp4', {}, path.join(out, 'kept'));
      expect(ffprobe(kept.outputPath).format.tags?.['title']).toBe('Secret');
    } finally {
      removeDir(out);
    }
  }, 60_000);

  it('--quality small MP3 is smaller than high', async () => {
    const out = tempDir('convertr-quality-');
    try {
      const small = await convert(song, 'mp3', { quality: 'small' }, path.join(out, 'small'));
      const high = await convert(song, 'mp3', { quality: 'high' }, path.join(out, 'high'));
      console.log(`20 s stereo MP3: small ${statSync(small.outputPath).size} bytes, high ${statSync(high.outputPath).size} bytes`);
      expect(statSync(small.outputPath).size).toBeLessThan(statSync(high.outputPath).size * 0.6);
    } finally {
      removeDir(out);
    }
  }, 60_000);

  it('--max-size on audio fits under the limit and uses at least 70 % of it', async () => {
    const out = tempDir('convertr-audio-size-');
    try {
      const result = await convert(song, 'mp3', { maxSizeBytes: 300_000 }, out);
      const bytes = statSync(result.outputPath).size;
      expect(bytes).toBeLessThanOrEqual(300_000);
      expect(bytes).toBeGreaterThanOrEqual(210_000);
    } finally {
      removeDir(out);
    }
  }, 60_000);

  it('on conflict: keep-both adds " (1)", skip leaves the file and reports skipped, overwrite replaces it after the check', async () => {
    const out = tempDir('convertr-conflict-');
    try {
      const existing = path.join(out, 'song.mp3');
      writeFileSync(existing, 'not an mp3, the user\'s own file');
      const both = await convert(song, 'mp3', {}, out);
      expect(path.basename(both.outputPath)).toBe('song (1).mp3');

      const skipped = await convert(song, 'mp3', { onConflict: 'skip' }, out);
      expect(skipped.skippedBecause).toMatch(/already exists/);
      expect(skipped.outputPath).toBe(existing);
      expect(readFileSync(existing, 'utf8')).toBe('not an mp3, the user\'s own file');

      // A failed conversion leaves the old file as it was: the check comes before the replacement.
      const silent = path.join(out, 'silent.mp4');
      makeMedia(['-f', 'lavfi', '-i', 'color=size=64x64:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', silent]);
      writeFileSync(path.join(out, 'silent.mp3'), 'keep me');
      await expect(convert(silent, 'mp3', { onConflict: 'overwrite' }, out)).rejects.toMatchObject({ code: 'NO_AUDIO_STREAM' });
      expect(readFileSync(path.join(out, 'silent.mp3'), 'utf8')).toBe('keep me');

      const replaced = await convert(song, 'mp3', { onConflict: 'overwrite' }, out);
      expect(replaced.outputPath).toBe(existing);
      expect(ffprobe(existing).format.format_name).toBe('mp3');
      expect(listAll(out).filter((f) => f.endsWith('.convertr-part'))).toEqual([]);

      // The input itself is never replaced: converting an MP3 to MP3 beside it gets a free name.
      const again = await convert(existing, 'mp3', { onConflict: 'overwrite', quality: 'small' }, out);
      expect(again.outputPath).not.toBe(existing);
    } finally {
      removeDir(out);
    }
  }, 60_000);
});
