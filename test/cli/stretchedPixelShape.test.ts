import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/**
 * A clip whose header marks its pixels 40 times wider than high (a damaged or extreme pixel shape), asked for pictures
 * with a large --resize, through the installed command (`npx electron-vite build` first): a GIF, an animated WEBP
 * and a still are refused before any work with one sentence naming a --resize that fits, where ffmpeg would have
 * made 16000x2400 frames (1.5 GB of memory for a 0.4 s clip); a --resize within the limit still makes the picture.
 */
describe('convertr refuses pictures of a video stretched past the frame limit by its pixel shape', () => {
  let dir: string;
  let home: string;
  let clip: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-stretched-');
    home = tempDir('convertr-cli-stretched-home-');
    clip = path.join(dir, 'stretched.mp4');
    // 400x2400 stored, pixels 40:1 in the H.264 header: shown 16000x2400, 38.4 megapixels.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=s=400x2400:r=25:d=0.4', '-vf', 'setsar=40/1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
  }, 60_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('a GIF, an animated WEBP and a JPG at --resize 16384 are refused with the same clear sentence, and nothing is written', async () => {
    for (const target of ['gif', 'webp', 'jpg']) {
      const out = path.join(dir, `refused-${target}`);
      const run = await cli('convert', clip, '--to', target, '--resize', '16384', '--out', out, '--json');
      const [line] = jsonLines(run.stdout);
      expect(line, run.stdout + run.stderr).toMatchObject({
        status: 'failed',
        error: {
          code: 'TOO_LARGE',
          message: "This video's pixels are marked 40:1, far wider than high, so it is shown at 16000x2400 (38.4 megapixels), above the 35.7-megapixel limit that protects your computer's memory; choose a smaller picture with --resize (15416 or less).",
        },
      });
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    }
  }, 120_000);

  it('the --resize it names makes a GIF that moves, within the limit, at the shape shown', async () => {
    const run = await cli('convert', clip, '--to', 'gif', '--resize', '1600', '--out', path.join(dir, 'fitted'), '--json');
    const [line] = jsonLines(run.stdout);
    expect(line, run.stdout + run.stderr).toMatchObject({ status: 'succeeded' });
    const meta = await sharp(String(line!['output']), { animated: true }).metadata();
    expect(meta.pages).toBeGreaterThan(1);
    expect([meta.width, meta.pageHeight]).toEqual([1600, 240]);
  }, 120_000);
});
