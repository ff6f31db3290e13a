import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltCli } from '../helpers/cli';
import { startServe, type ServedApp } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

interface JobView {
  input: string;
  status: string;
  error: { code: string; message: string } | null;
}

describe('Resume in the window of a batch whose output folder cannot be made (convertr serve, built)', () => {
  let served: ServedApp | undefined;
  let home: string;
  let outside: string;
  let base: string;
  let token: string;

  const invoke = async (channel: string, body: unknown, ms = 5000) => {
    const response = await fetch(`${base}/api/invoke/${channel}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(ms),
    });
    return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  };

  beforeAll(async () => {
    home = tempDir('convertr-resume-proc-');
    outside = tempDir('convertr-resume-proc-in-');
    const clips = path.join(outside, 'clips');
    mkdirSync(clips);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(clips, 'c0.mkv')]);
    for (const i of [1, 2, 3]) copyFileSync(path.join(clips, 'c0.mkv'), path.join(clips, `c${i}.mkv`));
    const cli = startBuiltCli(['convert', clips, '--to', 'mp4', '--out', path.join(outside, 'out'), '--json'], { CONVERTR_HOME: home });
    await new Promise<void>((resolve) => cli.child.stdout!.once('data', () => resolve()));
    cli.child.kill('SIGTERM');
    await cli.done;
    // The batch as the original bug left it: interrupted, its files headed for /proc/nope.
    const db = new Database(path.join(home, 'convertr.db'));
    db.prepare("UPDATE queue_jobs SET output_dir = '/proc/nope'").run();
    db.close();
    served = await startServe(home);
    const url = new URL(served.url);
    base = url.origin;
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  }, 120_000);

  afterAll(() => {
    // A server stuck in a system call hears no SIGTERM.
    served?.child.kill('SIGKILL');
    removeDir(home);
    removeDir(outside);
  });

  it('fails those files quickly with OUTPUT_UNWRITABLE naming the folder, and keeps answering meanwhile', async () => {
    const { value } = await invoke('queue:interrupted', {});
    const batches = (value as { batches: { batchKey: string; left: number }[] }).batches;
    expect(batches).toHaveLength(1);
    const started = performance.now();
    const resumed = await invoke('queue:resumeBatch', { batchKey: batches[0]!.batchKey });
    const { started: launched } = resumed.value as { started: number };
    expect(launched).toBeGreaterThan(0);
    const jobs = async () => ((await invoke('queue:get', {})).value as { jobs: JobView[] }).jobs;
    await waitFor(async () => {
      const now = await jobs();
      return now.length === launched && now.every((job) => job.status === 'failed');
    }, 'the resumed jobs to fail', 30_000, 100);
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const job of await jobs()) {
      expect(job.error?.code).toBe('OUTPUT_UNWRITABLE');
      expect(job.error?.message).toContain('/proc/nope');
    }
  }, 60_000);
});
