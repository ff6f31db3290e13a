import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopRuntime } from '../../main/shell/desktopRuntime';
import { jsonLines, startCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** A batch stopped in a terminal (SIGTERM) is not picked up by the window's next start; it is listed with a Resume action. */
describe('SIGTERM on the command line, then the window starts', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-sigterm-');
    mkdirSync(path.join(dir, 'in'));
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(dir, 'seed.mkv')]);
    for (let i = 0; i < 4; i++) copyFileSync(path.join(dir, 'seed.mkv'), path.join(dir, 'in', `clip${i}.mkv`));
    rmSync(path.join(dir, 'seed.mkv'));
  });
  afterAll(() => removeDir(dir));

  it('records the batch as stopped by the user; the window lists it, never runs it by itself, and resumes it on request', async () => {
    const home = path.join(dir, 'home');
    const out = path.join(dir, 'out');
    const cli = startCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', out, '--json'], { CONVERTR_HOME: home });
    await new Promise<void>((resolve) => cli.child.stdout!.on('data', () => resolve()));
    cli.child.kill('SIGTERM');
    const stopped = await cli.done;
    expect(stopped.code).toBe(1);
    const done = jsonLines(stopped.stdout).filter((l) => l['status'] === 'succeeded').length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(4);
    const outputsAfterStop = readdirSync(out).sort();
    expect(outputsAfterStop).toHaveLength(done);

    const runtime = createDesktopRuntime(home, { jobUpdated: () => {}, batchFinished: () => {} });
    try {
      expect(runtime.service.restore()).toBe(0);
      const [batch, ...more] = runtime.service.interruptedBatches();
      expect(more).toEqual([]);
      expect(batch).toMatchObject({ origin: 'cli', stoppedByUser: true, target: 'mp4', total: 4, left: 4 - done });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(readdirSync(out).sort()).toEqual(outputsAfterStop);
      expect(runtime.service.list().jobs).toEqual([]);

      expect(runtime.service.resumeBatch(batch!.batchKey)).toBe(4 - done);
      await runtime.scheduler.whenIdle();
      expect(readdirSync(out).sort()).toEqual(['clip0.mp4', 'clip1.mp4', 'clip2.mp4', 'clip3.mp4']);
      expect(runtime.service.interruptedBatches()).toEqual([]);
    } finally {
      await runtime.close();
    }
    const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status = 'succeeded'").get()).toEqual({ n: 4 });
      expect(db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status <> 'succeeded'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 120_000);
});
