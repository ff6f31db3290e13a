import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { m4aWithNegativeTimescale } from '../helpers/brokenMedia';
import { durationOf, ffprobe, removeDir, tempDir } from '../helpers/media';

/** No slivers: a 65 s song never becomes a fraction of a second of MP3 reported as done. */
describe('the installed command with an M4A whose media timescale has its top bit set', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-sliver-');
  });
  afterAll(() => removeDir(dir));

  it('fails the job with a clear output-check error, or converts the whole length', async () => {
    const input = m4aWithNegativeTimescale(dir, 65);
    const out = path.join(dir, 'out');
    const run = await runBuiltCli(['convert', input, '--to', 'mp3', '--out', out, '--json'], { CONVERTR_HOME: path.join(dir, 'home') });
    const [line] = jsonLines(run.stdout);
    const mp3 = path.join(out, 'song.mp3');
    if (line?.['status'] === 'succeeded') {
      expect(durationOf(ffprobe(mp3))).toBeGreaterThan(60);
    } else {
      expect(run.code).toBe(1);
      expect(line).toMatchObject({ status: 'failed', output: null, error: { code: 'OUTPUT_CHECK_FAILED', message: expect.stringMatching(/lasts 0\.\d\d s.*65\.00 s/) } });
      expect(existsSync(mp3)).toBe(false);
    }
  });
});
