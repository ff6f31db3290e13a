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

  it('AVIF, tuned for SSIM, is smaller than sharp\'s default tuning (what it used before) at the same SSIM, in under half the CPU of effort 4', async () => {
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
    // ffmpeg here may not read AVIF: both are compared as PNGs decoded by sharp.
    const ssimOf = async (avif: string) => {
      await sharp(avif).png().toFile(decoded);
      return ssim(decoded, source);
    };
    const effort4 = path.join(dir, 'effort4.avif');
    const effort4Cpu = await measure(() => sharp(source).avif({ quality: 60, effort: 4 }).toFile(effort4));
    const now = path.join(dir, 'now.avif');
    const nowCpu = await measure(() => images.convert({ inputPath: source, sourceFormat: 'png', target: 'avif', outputPath: now, maxPixels: 2e8, scratchDir }));
    const nowSsim = await ssimOf(now);
    // The smallest file the settings of before (effort 3, sharp's default tuning and colour) write at that SSIM or above.
    let before: { quality: number; bytes: number; ssim: number } | undefined;
    for (let quality = 60; quality <= 95 && !before; quality += 5) {
      const file = path.join(dir, `before-${quality}.avif`);
      await sharp(source).avif({ quality, effort: 3 }).toFile(file);
      const beforeSsim = await ssimOf(file);
      if (beforeSsim >= nowSsim) before = { quality, bytes: statSync(file).size, ssim: beforeSsim };
    }
    console.log(`AVIF: now ${statSync(now).size} bytes, SSIM ${nowSsim}, ${Math.round(nowCpu / 1000)} ms CPU; before at q${before?.quality} ${before?.bytes} bytes, SSIM ${before?.ssim}; effort 4 took ${Math.round(effort4Cpu / 1000)} ms`);
    expect(before).toBeDefined();
    expect(statSync(now).size).toBeLessThan(before!.bytes);
    expect(nowCpu).toBeLessThan(effort4Cpu / 2);
  }, 120_000);

  it('high keeps libjpeg at 95 with full-resolution colour (mozjpeg was not smaller at the same SSIM there)', async () => {
    const now = await convert('high');
    expect(now.bytes).toBeLessThanOrEqual(now.beforeBytes);
    expect(now.ssim).toBeGreaterThanOrEqual(now.beforeSsim);
  }, 60_000);
});
