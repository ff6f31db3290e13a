import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { corpus, listAll, removeDir, tempDir } from '../helpers/media';

const sum = (delays: readonly number[]) => delays.reduce((a, b) => a + b, 0);

/** `convertr convert pigs.gif --to gif --from 1 --until 2`: trimming a GIF into a GIF or a WEBP, with the installed command. */
describe('a cut of an animated GIF to GIF and WEBP, with the built command', () => {
  let dir: string;
  let home: string;
  const gif = corpus('image/pigs_in_a_polka.gif');
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-animation-cut-');
    home = tempDir('convertr-cli-animation-cut-home-');
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  for (const target of ['gif', 'webp'] as const) {
    it(`--to ${target} --from 1 --until 2 keeps the second of the GIF's three seconds, moving`, async () => {
      const input = await sharp(gif, { animated: true }).metadata();
      const frame = input.delay![0]!;
      const out = path.join(dir, target);
      const run = await cli('convert', gif, '--to', target, '--from', '1', '--until', '2', '--out', out, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [line] = jsonLines(run.stdout);
      expect(line).toMatchObject({ status: 'succeeded', pair: `GIF->${target.toUpperCase()}` });
      const output = await sharp(String(line!['output']), { animated: true }).metadata();
      expect(output.pages).toBeGreaterThan(1);
      expect(output.pages).toBeLessThan(input.pages!);
      expect(Math.abs(sum(output.delay!) - 1000)).toBeLessThanOrEqual(frame);
      expect(output.loop).toBe(input.loop);
    }, 60_000);
  }

  it('a cut past the GIF\'s end is refused with its length, and nothing is written', async () => {
    const out = path.join(dir, 'late');
    const run = await cli('convert', gif, '--to', 'gif', '--from', '2', '--until', '9', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/This file lasts 00:00:03, so it cannot end at 00:00:09\./);
    expect(listAll(out)).toEqual([]);
  }, 60_000);
});
