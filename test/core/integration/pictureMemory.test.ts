import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';
import { removeDir, tempDir } from '../../helpers/media';

const run = promisify(execFile);
const PEAK_LIMIT_BYTES = 1.5e9;

interface JobLine { input: string; output: string | null; status: string; error: { code: string } | null }

/** Every job line and the peak resident memory (GNU time) of one whole `convertr convert` command. */
async function convertMeasured(input: string, target: string, out: string, home: string): Promise<{ peakBytes: number; jobs: JobLine[] }> {
  const result = await run('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, '--import', 'tsx', 'main/cli/index.ts', 'convert', input, '--to', target, '--out', out, '--json'], {
    cwd: ROOT, env: { ...process.env, CONVERTR_HOME: home }, maxBuffer: 16 * 2 ** 20,
  }).catch((error: { stdout: string; stderr: string }) => error);
  const peak = Number(/PEAK_KB=(\d+)/.exec(result.stderr)?.[1]) * 1024;
  return { peakBytes: peak, jobs: result.stdout.trim().split('\n').map((line) => JSON.parse(line) as JobLine) };
}

/** Pictures of 196 megapixels whose files are a few hundred kilobytes: tiny on disk, huge once decoded. */
describe('huge-but-tiny pictures convert within 1.5 GB of memory per command', () => {
  let dir: string;
  let out: string;
  let home: string;

  beforeAll(async () => {
    dir = tempDir('convertr-picmem-in-');
    out = tempDir('convertr-picmem-out-');
    home = tempDir('convertr-picmem-home-');
    mkdirSync(path.join(dir, 'four'));
    const flat = sharp({ create: { width: 14000, height: 14000, channels: 3, background: { r: 10, g: 200, b: 30 } }, limitInputPixels: false });
    await flat.png({ compressionLevel: 9 }).toFile(path.join(dir, 'four', 'a.png'));
    for (const name of ['b', 'c', 'd']) copyFileSync(path.join(dir, 'four', 'a.png'), path.join(dir, 'four', `${name}.png`));
    const transparent = sharp({ create: { width: 14000, height: 14000, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } }, limitInputPixels: false });
    await transparent.png({ palette: true, colours: 2, compressionLevel: 9 }).toFile(path.join(dir, 'palette.png'));
  }, 180_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(out);
    removeDir(home);
  });

  it('four 196 MP PNGs in one folder -> JPG: all four correct, the command under 1.5 GB', async () => {
    const { peakBytes, jobs } = await convertMeasured(path.join(dir, 'four'), 'jpg', path.join(out, 'four'), home);
    console.log(`four 196 MP PNG -> JPG: peak ${Math.round(peakBytes / 1e6)} MB`);
    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    for (const job of jobs) {
      const meta = await sharp(job.output!, { limitInputPixels: false }).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 14000, 14000]);
      const { dominant } = await sharp(job.output!, { limitInputPixels: false }).resize(100).stats();
      expect(Math.abs(dominant.g - 200)).toBeLessThan(16);
    }
    expect(peakBytes).toBeGreaterThan(0);
    expect(peakBytes).toBeLessThan(PEAK_LIMIT_BYTES);
  }, 600_000);

  it('a 24 KB 1-bit palette PNG of 196 MP with transparency: PNG within 1.5 GB; WEBP, which needs 2.9 GB, is TOO_LARGE before decoding', async () => {
    const png = await convertMeasured(path.join(dir, 'palette.png'), 'png', out, home);
    console.log(`196 MP palette PNG -> PNG: peak ${Math.round(png.peakBytes / 1e6)} MB`);
    expect(png.jobs[0]).toMatchObject({ status: 'succeeded' });
    const meta = await sharp(png.jobs[0]!.output!, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([14000, 14000, true]);
    expect(png.peakBytes).toBeLessThan(PEAK_LIMIT_BYTES);

    const webp = await convertMeasured(path.join(dir, 'palette.png'), 'webp', out, home);
    console.log(`196 MP palette PNG -> WEBP: peak ${Math.round(webp.peakBytes / 1e6)} MB`);
    expect(webp.jobs[0]).toMatchObject({ status: 'failed', error: { code: 'TOO_LARGE' } });
    expect(webp.peakBytes).toBeGreaterThan(0);
    expect(webp.peakBytes).toBeLessThan(PEAK_LIMIT_BYTES);
  }, 600_000);
});
