import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner';
import { runProcess } from '../../native/ffmpeg/runProcess';
import { removeDir, tempDir } from '../helpers/media';

describe('a converter that stops writing is stopped, not waited for forever', () => {
  let dir: string;
  let stuck: string;

  beforeAll(() => {
    dir = tempDir('convertr-silent-');
    // An "ffmpeg" stuck in a read: it never writes and never ends.
    stuck = path.join(dir, 'ffmpeg');
    writeFileSync(stuck, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(stuck, 0o755);
  });
  afterAll(() => removeDir(dir));

  it('ends a silent process after the silence limit, and leaves one that keeps talking alone', async () => {
    const started = performance.now();
    const silent = await runProcess('/bin/sh', ['-c', 'exec sleep 60'], { idleTimeoutMs: 300 });
    expect(silent.stalled).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);

    const talking = await runProcess('/bin/sh', ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo tick; sleep 0.1; done'], { idleTimeoutMs: 600 });
    expect(talking.stalled).toBe(false);
    expect(talking.code).toBe(0);
  }, 20_000);

  it('fails the conversion with FFMPEG_FAILED saying ffmpeg stopped making progress', async () => {
    const started = performance.now();
    await expect(new ProcessFfmpegRunner(stuck, 300).run(['-i', 'whatever'])).rejects.toMatchObject({ code: 'FFMPEG_FAILED', message: expect.stringMatching(/stopped making progress/) });
    expect(performance.now() - started).toBeLessThan(5000);
  }, 20_000);
});
