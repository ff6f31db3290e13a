import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegBmpDecoder } from '../../native/image/bmpDecoder';
import { SharpImageConverter } from '../../native/image/sharpImageConverter';
import { HeicDecoderPool } from '../../native/heic/heicDecoderPool';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner';
import type { Quality } from '../../main/core/engine/plan/conversionOptions';
import { corpus, removeDir, tempDir } from '../helpers/media';

/** SSIM of a picture against its source, luma and full-resolution chroma alike (ffmpeg's "All" over 4:4:4 planes). */
function ssim(file: string, source: string): number {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-i', source, '-lavfi', '[0:v]format=yuv444p[a];[1:v]format=yuv444p[b];[a][b]ssim', '-f', 'null', '-'], { encoding: 'utf8' });
  return Number(/All:([\d.]+)/.exec(run.stderr)?.[1]);
}

/** What each level wrote before mozjpeg: libjpeg's tables at 95 (4:4:4), 90 and 75, optimised Huffman tables. */
const BEFORE: Record<Quality, JpegOptions> = {
  high: { quality: 95, chromaSubsampling: '4:4:4', optimiseCoding: true },
  balanced: { quality: 90, chromaSubsampling: '4:2:0', optimiseCoding: true },
  small: { quality: 75, chromaSubsampling: '4:2:0', optimiseCoding: true },
};

/** A real photo (a phone portrait, 450x600) to JPEG at each level and to AVIF, against what the same level wrote before. */
describe('JPEG levels', () => {
  const pool = new HeicDecoderPool(1);
  let dir: string;
  let source: string;
  beforeAll(async () => {
    dir = tempDir('convertr-jpeg-levels-');
    source = path.join(dir, 'photo.png');
    await sharp(corpus('image/portrait_6.jpg')).autoOrient().png().toFile(source);
  });
  afterAll(async () => {
    removeDir(dir);
    await pool.close();
  });

  const convert = async (quality: Quality) => {
    const images = new SharpImageConverter(pool, new FfmpegBmpDecoder(new ProcessFfmpegRunner('ffmpeg')));
    const outputPath = path.join(dir, `${quality}.jpg`);
    const scratchDir = path.join(dir, `scratch-${quality}`);
    mkdirSync(scratchDir);
    await images.convert({ inputPath: source, sourceFormat: 'png', target: 'jpg', outputPath, maxPixels: 2e8, scratchDir, quality });
    const before = path.join(dir, `${quality}-before.jpg`);
    await sharp(source).jpeg(BEFORE[quality]).toFile(before);
    return { bytes: statSync(outputPath).size, ssim: ssim(outputPath, source), beforeBytes: statSync(before).size, beforeSsim: ssim(before, source) };
  };

  it.each(['balanced', 'small'] as const)('%s is smaller than before at an SSIM no lower', async (quality) => {
    const now = await convert(quality);
    console.log(`${quality}: ${now.beforeBytes} -> ${now.bytes} bytes, SSIM ${now.beforeSsim} -> ${now.ssim}`);
    expect(now.bytes).toBeLessThan(now.beforeBytes * 0.97);
    expect(now.ssim).toBeGreaterThanOrEqual(now.beforeSsim);
  }, 60_000);

  it('AVIF takes under half the CPU of effort 4 (what it used before) for a file at most 8 % larger and the same SSIM within 0.003', async () => {
    const images = new SharpImageConverter(pool, new FfmpegBmpDecoder(new ProcessFfmpegRunner('ffmpeg')));
    const scratchDir = path.join(dir, 'scratch-avif');
    mkdirSync(scratchDir);
    const decoded = path.join(dir, 'decoded.png');
    const measure = async (write: () => Promise<unknown>) => {
      const start = process.cpuUsage();
      await write();
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const before = path.join(dir, 'before.avif');
    const beforeCpu = await measure(() => sharp(source).avif({ quality: 60, effort: 4 }).toFile(before));
    const now = path.join(dir, 'now.avif');
    const nowCpu = await measure(() => images.convert({ inputPath: source, sourceFormat: 'png', target: 'avif', outputPath: now, maxPixels: 2e8, scratchDir }));
    // ffmpeg here may not read AVIF: both are compared as PNGs decoded by sharp.
    const ssimOf = async (avif: string) => {
      await sharp(avif).png().toFile(decoded);
      return ssim(decoded, source);
    };
    console.log(`AVIF: effort 4 ${statSync(before).size} bytes in ${Math.round(beforeCpu / 1000)} ms CPU, now ${statSync(now).size} bytes in ${Math.round(nowCpu / 1000)} ms`);
    expect(nowCpu).toBeLessThan(beforeCpu / 2);
    expect(statSync(now).size).toBeLessThan(statSync(before).size * 1.08);
    expect(await ssimOf(now)).toBeGreaterThan(await ssimOf(before) - 0.003);
  }, 120_000);

  it('high keeps libjpeg at 95 with full-resolution colour (mozjpeg was not smaller at the same SSIM there)', async () => {
    const now = await convert('high');
    expect(now.bytes).toBeLessThanOrEqual(now.beforeBytes);
    expect(now.ssim).toBeGreaterThanOrEqual(now.beforeSsim);
  }, 60_000);
});
