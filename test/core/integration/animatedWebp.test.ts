import { statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import { DEFAULT_OPTIONS, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import { useRealEngine } from '../../helpers/engine';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The animation as sharp (libwebp's own demuxer) reads it, not as the engine's check does. */
async function animationOf(file: string): Promise<{ frames: number; seconds: number; width: number; height: number }> {
  const meta = await sharp(file, { animated: true }).metadata();
  return { frames: meta.pages ?? 1, seconds: (meta.delay ?? []).reduce((a, b) => a + b, 0) / 1000, width: meta.width!, height: meta.pageHeight ?? meta.height! };
}

describe('a video becomes an animated WEBP when a cut is asked (real ffmpeg)', () => {
  const engine = useRealEngine();
  let dir: string;
  let clip: string;
  const convert = (options: Partial<ConversionOptions>, out: string) =>
    engine().converter.convert({ inputPath: clip, target: 'webp', outputDir: path.join(dir, out), options: { ...DEFAULT_OPTIONS, ...options } });

  beforeAll(() => {
    dir = tempDir('convertr-animated-webp-');
    clip = path.join(dir, 'pan.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
  });
  afterAll(() => removeDir(dir));

  it('--from/--until make a WEBP that moves: capped at 480 px and 15 fps, as long as the cut within a frame', async () => {
    const result = await convert({ from: 1, until: 3 }, 'cut');
    expect(result.strategy).toBe('encode');
    const animation = await animationOf(result.outputPath);
    expect(animation).toMatchObject({ width: 480, height: 270 });
    expect(animation.frames).toBeGreaterThanOrEqual(29);
    expect(animation.frames).toBeLessThanOrEqual(31);
    expect(Math.abs(animation.seconds - 2)).toBeLessThanOrEqual(1 / 15);
    expect(result.outputFacts).toMatchObject({ width: 480, height: 270 });

    const whole = await convert({ from: 0, resize: 200 }, 'whole');
    const wholeAnimation = await animationOf(whole.outputPath);
    expect(wholeAnimation).toMatchObject({ width: 200, height: 113 });
    expect(Math.abs(wholeAnimation.seconds - 4)).toBeLessThanOrEqual(1 / 15);
  }, 120_000);

  it('without a cut a video to WEBP stays a still (a frame grab); --at with a cut is refused', async () => {
    const still = await convert({}, 'still');
    expect(await animationOf(still.outputPath)).toMatchObject({ frames: 1, width: 1280, height: 720 });
    await expect(convert({ at: 1, from: 1 }, 'both')).rejects.toMatchObject({ code: 'OPTION_UNSUPPORTED' } satisfies Partial<AppError>);
  }, 60_000);

  it('--max-size takes fewer frames and a smaller picture until it fits; a limit no animation can meet is refused before work', async () => {
    const free = await animationOf((await convert({ from: 0 }, 'free')).outputPath);
    const limit = 60_000;
    const fit = await convert({ from: 0, maxSizeBytes: limit }, 'fit');
    expect(statSync(fit.outputPath).size).toBeLessThanOrEqual(limit);
    const fitted = await animationOf(fit.outputPath);
    expect(fitted.frames).toBeGreaterThan(1);
    expect(fitted.frames * fitted.width).toBeLessThan(free.frames * free.width);
    expect(Math.abs(fitted.seconds - 4)).toBeLessThanOrEqual(1 / 5);
    await expect(convert({ from: 0, maxSizeBytes: 500 }, 'never')).rejects.toMatchObject({ code: 'SIZE_UNREACHABLE' } satisfies Partial<AppError>);
  }, 180_000);
});
