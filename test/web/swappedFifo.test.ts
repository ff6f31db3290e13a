import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

/**
 * Swaps `target` between a PNG and a named pipe (hard links renamed over it) as fast as it can, until killed:
 * a reader that stats the path and then opens it sees a PNG at the stat and a pipe at the open.
 */
const SWAPPER = `
const fs = require('node:fs');
const [png, fifo, target] = process.argv.slice(1);
const tmp = target + '.swap';
for (;;) {
  for (const source of [png, fifo]) {
    try { fs.linkSync(source, tmp); fs.renameSync(tmp, target); } catch {}
  }
}`;

interface JobView {
  id: number;
  input: string;
  status: string;
  error: { code: string; message: string } | null;
}

describe('convertr serve (the built command) with an input that becomes a named pipe after it was stat\'ed', () => {
  let served: ServedApp;
  let home: string;
  let dir: string;
  let swapper: ChildProcess | undefined;
  let base: string;
  let token: string;

  /** One request, given up after `ms` (a frozen server never answers). */
  const invoke = async (channel: string, body: unknown, ms = 5000) => {
    const response = await fetch(`${base}/api/invoke/${channel}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(ms),
    });
    return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  };

  beforeAll(async () => {
    home = tempDir('convertr-fifo-home-');
    dir = tempDir('convertr-fifo-');
    // Noise does not compress: about 120 KB, above what identification reads whole, so the converter opens it again.
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toFile(path.join(dir, 'real.png'));
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    served = await startServe(home);
    const url = new URL(served.url);
    base = url.origin;
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  }, 60_000);

  afterAll(() => {
    swapper?.kill('SIGKILL');
    // A server frozen in open() hears no SIGTERM.
    served?.child.kill('SIGKILL');
    removeDir(home);
    removeDir(dir);
  });

  it('keeps answering every request while such files are converted, and fails those jobs with a clear error', async () => {
    const target = path.join(dir, 'photo.png');
    swapper = spawn(process.execPath, ['-e', SWAPPER, path.join(dir, 'real.png'), path.join(dir, 'pipe'), target], { stdio: 'ignore' });
    await waitFor(() => existsSync(target), 'the swapping to start', 10_000, 10);
    const slowest: number[] = [];
    for (let i = 0; i < 40; i++) {
      const started = performance.now();
      const enqueued = await invoke('queue:enqueue', { paths: [target], target: 'jpg' });
      expect(enqueued.ok, JSON.stringify(enqueued.error)).toBe(true);
      // Another request, answered while the jobs run.
      const listed = await invoke('queue:get', {});
      expect(listed.ok).toBe(true);
      slowest.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = async () => ((await invoke('queue:get', {})).value as { jobs: JobView[] }).jobs;
    await waitFor(async () => (await jobs()).every((job) => job.status === 'succeeded' || job.status === 'failed'), 'every job to end', 60_000, 200);
    swapper.kill('SIGKILL');
    const ended = await jobs();
    const pipes = ended.filter((job) => job.status === 'failed' && /named pipe/.test(job.error?.message ?? ''));
    expect(pipes.length, JSON.stringify(ended.map((j) => [j.status, j.error?.message]))).toBeGreaterThan(0);
    for (const job of ended.filter((j) => j.status === 'failed')) expect(job.error?.code).toBe('INPUT_UNREADABLE');
    expect(Math.max(...slowest)).toBeLessThan(5000);
  }, 180_000);
});
