import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { useRealEngine } from '../../helpers/engine';
import { audiosOf, corpus, durationOf, exiftool, ffprobe, listAll, removeDir, rotationOf, tempDir, videoOf } from '../../helpers/media';

/** The four pairs the hosted service publishes, on real phone and camera files. */
describe('published pairs on real files', () => {
  const engine = useRealEngine();
  let out: string;
  beforeAll(() => {
    out = tempDir();
  });
  afterAll(() => removeDir(out));

  it('MP4->MP3: a phone video becomes an MP3 of the same length, at most stereo and 48 kHz', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('video/vfr-rotated.mp4'), target: 'mp3', outputDir: out });
    expect(result.pair).toBe('MP4->MP3');
    const probed = ffprobe(result.outputPath);
    expect(probed.format.format_name).toBe('mp3');
    expect(videoOf(probed)).toBeUndefined();
    const [audio] = audiosOf(probed);
    expect(audio?.codec_name).toBe('mp3');
    expect(audio!.channels).toBeLessThanOrEqual(2);
    expect(Number(audio!.sample_rate)).toBeLessThanOrEqual(48000);
    expect(Math.abs(durationOf(probed) - durationOf(ffprobe(corpus('video/vfr-rotated.mp4'))))).toBeLessThan(0.5);
  });

  it('MP4->MP4: an already playable phone video is remuxed, keeps its rotation and duration, with faststart', async () => {
    const input = corpus('video/vfr-rotated.mp4');
    const result = await engine().converter.convert({ inputPath: input, target: 'mp4', outputDir: out });
    expect(result.pair).toBe('MP4->MP4');
    expect(result.strategy).toBe('remux');
    const probed = ffprobe(result.outputPath);
    const video = videoOf(probed)!;
    expect(video.codec_name).toBe('h264');
    expect(video.pix_fmt).toBe('yuv420p');
    expect(Math.abs(rotationOf(video))).toBe(180);
    expect(audiosOf(probed).map((a) => a.codec_name)).toEqual(['aac']);
    expect(Math.abs(durationOf(probed) - durationOf(ffprobe(input)))).toBeLessThan(0.2);
    const bytes = (await import('node:fs')).readFileSync(result.outputPath);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('AVI->MP4: a camera MPEG-4 ASP + MP3 AVI becomes H.264/AAC yuv420p with even dimensions', async () => {
    const input = corpus('video/mpeg4-mp3.avi');
    const result = await engine().converter.convert({ inputPath: input, target: 'mp4', outputDir: out });
    expect(result.pair).toBe('AVI->MP4');
    const probed = ffprobe(result.outputPath);
    const video = videoOf(probed)!;
    expect(video.codec_name).toBe('h264');
    expect(video.pix_fmt).toBe('yuv420p');
    expect([video.width, video.height]).toEqual([960, 400]);
    expect(audiosOf(probed).map((a) => a.codec_name)).toEqual(['aac']);
    expect(Math.abs(durationOf(probed) - durationOf(ffprobe(input)))).toBeLessThan(0.3);
  });

  it('HEIC->JPG: an iPhone photo becomes an upright JPG that keeps date taken, GPS, camera and colour profile', async () => {
    const input = corpus('heic/IMG_5195.HEIC');
    const result = await engine().converter.convert({ inputPath: input, target: 'jpg', outputDir: out });
    expect(result.pair).toBe('HEIC->JPG');
    const tags = exiftool(result.outputPath, ['FileType', 'ImageWidth', 'ImageHeight', 'Orientation', 'DateTimeOriginal', 'GPSLatitude', 'Make', 'Model', 'ProfileDescription']);
    expect(tags['FileType']).toBe('JPEG');
    expect([tags['ImageWidth'], tags['ImageHeight']]).toEqual([2566, 3313]);
    expect(tags['Orientation'] ?? 1).toBe(1);
    expect(tags['DateTimeOriginal']).toBe('2021:04:11 15:47:53');
    expect(Number(tags['GPSLatitude'])).toBeCloseTo(39.05, 1);
    expect(tags['Make']).toBe('Apple');
    expect(tags['Model']).toBe('iPhone 11 Pro Max');
    expect(tags['ProfileDescription']).toBe('Display P3');
  });

  it('HEIC->JPG with a container rotation and EXIF orientation 6 is rotated once, not twice', async () => {
    const result = await engine().converter.convert({ inputPath: corpus('heic/arrow.heic'), target: 'jpg', outputDir: out });
    const tags = exiftool(result.outputPath, ['ImageWidth', 'ImageHeight', 'Orientation']);
    expect([tags['ImageWidth'], tags['ImageHeight']]).toEqual([3024, 4032]);
    expect(tags['Orientation']).toBe(1);
    // The arrow points up: the dark strokes of its head sit in the upper half of the picture.
    const sharp = (await import('sharp')).default;
    const { data, info } = await sharp(result.outputPath).greyscale().resize(30, 40, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const darkness = (rows: number[]) => rows.reduce((sum, y) => sum + [...data.subarray(y * info.width, (y + 1) * info.width)].reduce((a, v) => a + (255 - v), 0), 0);
    expect(darkness([...Array(8).keys()].map((i) => i + 4))).toBeGreaterThan(darkness([...Array(8).keys()].map((i) => i + 28)));
  });

  it('leaves no temporary files in the output folder', () => {
    expect(listAll(out).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
