import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateJobMemory } from '../../../main/core/scheduling/jobMemory';
import { ROOT } from '../../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';

const run = promisify(execFile);

interface JobLine { output: string | null; status: string }

/** The job line and the peak resident memory (GNU time: the command or its ffmpeg, whichever is larger) of one `convertr convert`. */
async function convertMeasured(input: string, args: string[], out: string, home: string): Promise<{ peakBytes: number; job: JobLine }> {
  const result = await run('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, '--import', 'tsx', 'main/cli/index.ts', 'convert', input, ...args, '--out', out, '--json'], {
    cwd: ROOT, env: { ...process.env, CONVERTR_HOME: home }, maxBuffer: 16 * 2 ** 20,
  }).catch((error: { stdout: string; stderr: string }) => error);
  return { peakBytes: Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1]) * 1024, job: JSON.parse(result.stdout.trim()) as JobLine };
}

describe('the memory a GIF of a video is counted at, against a real run', () => {
  let dir: string;
  let home: string;
  beforeAll(() => {
    dir = tempDir('convertr-gifmem-');
    home = tempDir('convertr-gifmem-home-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'clip.mp4')]);
  }, 120_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('10 s of 1280x720 into a GIF at --resize 1280 (150 frames kept for the palette): at least the measured peak, at most 3 times it', async () => {
    const input = path.join(dir, 'clip.mp4');
    const estimate = estimateJobMemory(input, 'gif', { resize: 1280 });
    const { peakBytes, job } = await convertMeasured(input, ['--to', 'gif', '--resize', '1280'], path.join(dir, 'out'), home);
    console.log(`10 s 1280x720 -> GIF 1280x720 @ 15 fps: peak ${Math.round(peakBytes / 1e6)} MB, estimate ${Math.round(estimate / 1e6)} MB`);
    expect(job.status).toBe('succeeded');
    // Far above the 64 MB of a picture: every frame waits for the palette.
    expect(peakBytes).toBeGreaterThan(150 * 1280 * 720 * 4);
    expect(estimate).toBeGreaterThanOrEqual(peakBytes);
    expect(estimate).toBeLessThanOrEqual(3 * peakBytes);
  }, 300_000);
});
