import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli, startBuiltCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

/** `count` small pictures of distinct content (a rule converts each distinct content once). */
async function pictures(folder: string, count: number): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const file = path.join(folder, `p${String(i).padStart(2, '0')}.png`);
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 13) % 256 } } }).png().toFile(file);
    return file;
  }));
}

/** Where two front ends meet on the same files, with the installed command (bin/convertr.js) in real processes. */
describe('front ends that meet on the same files (real processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-meet-');
  });
  afterAll(() => removeDir(dir));

  for (const offsetMs of [100, 400, 800]) {
    it(`watch and convert on the same 30 pictures, convert started ${offsetMs} ms after: exactly one output per input, no "(1)" copies`, async () => {
      const home = path.join(dir, `home-${offsetMs}`);
      const input = path.join(dir, `in-${offsetMs}`);
      const out = path.join(dir, `out-${offsetMs}`);
      const inputs = await pictures(input, 30);
      const env = { CONVERTR_HOME: home };
      const watch = startBuiltCli(['watch', input, '--to', 'webp', '--out', out, '--stable-for', '200ms', '--json'], env);
      let watchOut = '';
      let watchErr = '';
      watch.child.stdout!.on('data', (c: Buffer) => (watchOut += c.toString()));
      watch.child.stderr!.on('data', (c: Buffer) => (watchErr += c.toString()));
      try {
        await new Promise((resolve) => setTimeout(resolve, offsetMs));
        const convert = await runBuiltCli(['convert', input, '--to', 'webp', '--out', out, '--json'], env);
        expect(convert.code, convert.stderr).toBe(0);
        expect(jsonLines(convert.stdout)).toHaveLength(30);
        // The watch hears of every picture too: converted by it, or by the convert it waited for.
        const handled = () => new Set(jsonLines(watchOut).filter((l) => l['event'] === 'finished' || l['event'] === 'skipped').map((l) => l['input'])).size;
        await waitFor(() => handled() === 30, `the watch to handle all 30 pictures (${handled()} so far; ${watchErr})`, 60_000);
      } finally {
        watch.child.kill('SIGINT');
        await watch.done;
      }
      const outputs = readdirSync(out).sort();
      expect(outputs.filter((name) => name.includes('(1)'))).toEqual([]);
      expect(outputs).toEqual(inputs.map((file) => `${path.basename(file, '.png')}.webp`).sort());
    }, 120_000);
  }
});
