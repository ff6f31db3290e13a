import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import type { OutputFormat } from '../../../main/core/formats';
import { normalizeOptions, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import { useRealEngine } from '../../helpers/engine';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { failureLeavingNothing } from '../../helpers/failures';

/** One solid colour per frame, so that a frame of the output names the input frame it came from. */
const COLOURS = [[220, 40, 40], [40, 200, 40], [40, 40, 220], [230, 200, 30], [200, 40, 200]] as const;
/** Frames shown 0-300, 300-500, 500-600, 600-1000 and 1000-1500 ms. */
const DELAYS = [300, 200, 100, 400, 500];

const sum = (delays: readonly number[]) => delays.reduce((a, b) => a + b, 0);

/** The colour of each frame of an animation, rounded. */
async function frameColours(file: string, pages: number): Promise<number[][]> {
  return Promise.all(Array.from({ length: pages }, async (_, page) => {
    const stats = await sharp(file, { page }).removeAlpha().stats();
    return stats.channels.map((channel) => Math.round(channel.mean));
  }));
}

/** An animated GIF, WEBP or PNG cut with --from/--until to GIF or WEBP, through the real engine. */
describe('a cut of an animation', () => {
  const engine = useRealEngine();
  let inputs: string;
  let out: string;
  const input = (name: string) => path.join(inputs, name);
  const convert = (name: string, target: OutputFormat, options: Partial<ConversionOptions>) =>
    engine().converter.convert({ inputPath: input(name), target, outputDir: out, options: normalizeOptions({ onConflict: 'overwrite', ...options }) });

  beforeAll(async () => {
    inputs = tempDir('convertr-animation-cut-in-');
    out = tempDir('convertr-animation-cut-out-');
    const frames = await Promise.all(COLOURS.map(([r, g, b]) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g, b } } }).png().toBuffer()));
    const animation = sharp(frames, { join: { animated: true } });
    await animation.clone().gif({ delay: DELAYS, loop: 3 }).toFile(input('moving.gif'));
    await animation.clone().webp({ delay: DELAYS, loop: 3, lossless: true }).toFile(input('moving.webp'));
    await sharp(frames[0]).toFile(input('still.png'));
    await sharp(frames[0]).gif().toFile(input('still.gif'));
    // An animated PNG of frames at 5 a second (200 ms each), through ffmpeg's APNG writer.
    await Promise.all(frames.map((frame, i) => sharp(frame).toFile(input(`apng${i}.png`))));
    makeMedia(['-framerate', '5', '-i', input('apng%d.png'), '-plays', '0', '-f', 'apng', input('moving.png')]);
  });
  afterAll(() => {
    removeDir(inputs);
    removeDir(out);
  });

  for (const [name, target] of [['moving.gif', 'gif'], ['moving.gif', 'webp'], ['moving.webp', 'gif'], ['moving.webp', 'webp']] as const) {
    it(`${name} -> ${target.toUpperCase()} cut to 1 s keeps the frames shown in it, the edge frames shortened, the loop count kept`, async () => {
      const result = await convert(name, target, { from: 0.4, until: 1.4 });
      const meta = await sharp(result.outputPath, { animated: true }).metadata();
      // Frame 2 (300-500 ms) from 0.4 s, frames 3 and 4 whole, frame 5 (1000-1500 ms) until 1.4 s.
      expect(meta.pages).toBe(4);
      expect(meta.delay).toEqual([100, 100, 400, 400]);
      expect(sum(meta.delay!)).toBe(1000);
      expect(meta.loop).toBe(3);
      const colours = await frameColours(result.outputPath, 4);
      colours.forEach((colour, i) => COLOURS[i + 1]!.forEach((value, band) => expect(Math.abs(colour[band]! - value), `frame ${i + 1}, band ${band}`).toBeLessThanOrEqual(8)));
      expect(result.notes).toContain('Cut from 00:00:00.4 to 00:00:01.4: frames 2 to 5 of 5.');
    }, 60_000);
  }

  it('an animated PNG -> GIF cut keeps its frames shown in the cut', async () => {
    const result = await convert('moving.png', 'gif', { from: 0.1, until: 0.7 });
    const meta = await sharp(result.outputPath, { animated: true }).metadata();
    expect(meta.delay).toEqual([100, 200, 200, 100]);
    expect(sum(meta.delay!)).toBe(600);
  }, 60_000);

  it('a cut past the end is refused before any work, and a still picture is still refused a cut', async () => {
    const late = await failureLeavingNothing<AppError>(() => convert('moving.gif', 'gif', { from: 1, until: 2 }), out, 'a cut past the end');
    expect(late).toMatchObject({ code: 'OPTION_UNSUPPORTED', message: 'This file lasts 00:00:01.5, so it cannot end at 00:00:02.' });
    const after = await failureLeavingNothing<AppError>(() => convert('moving.webp', 'webp', { from: 1.5 }), out, 'a cut from the end');
    expect(after.message).toBe('This file lasts 00:00:01.5, so it cannot start at 00:00:01.5.');
    for (const still of ['still.png', 'still.gif']) {
      const error = await failureLeavingNothing<AppError>(() => convert(still, 'gif', { from: 0, until: 1 }), out, `${still} with a cut`);
      expect(error).toMatchObject({ code: 'OPTION_UNSUPPORTED', message: 'A cut (--from, --until) applies to a video or a sound; this file is a picture.' });
    }
  }, 60_000);
});
