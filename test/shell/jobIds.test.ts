import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobViewData } from '../../main/core/app/desktopService';
import { createDesktopRuntime, type DesktopRuntime } from '../../main/shell/desktopRuntime';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * One id space for jobs, on the real runtime and a real SQLite file: a window drop's queued job and
 * skipped row, a batch-folder job and the history's rows never share an id, in one run or across a restart
 * on the same data folder (a row keeps its id; a new job never takes an id an earlier run handed out).
 */
describe('job ids across the window, batch folders and history', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-ids-');
    for (const folder of ['drop1', 'drop2', 'watched', 'out']) mkdirSync(path.join(dir, folder));
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=160x120', '-frames:v', '1', path.join(dir, 'seed.png')]);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=160x120', '-frames:v', '1', path.join(dir, 'seed.jpg')]);
    // Each run's batch-folder file has its own content (a rule converts a content once).
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=128x96', '-frames:v', '1', path.join(dir, 'one.png')]);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64', '-frames:v', '1', path.join(dir, 'two.png')]);
    for (const drop of ['drop1', 'drop2']) {
      copyFileSync(path.join(dir, 'seed.png'), path.join(dir, drop, 'picture.png'));
      // Already JPG: Smart leaves it, as a Skipped row.
      copyFileSync(path.join(dir, 'seed.jpg'), path.join(dir, drop, 'photo.jpg'));
    }
  });
  afterAll(() => removeDir(dir));

  /** One run of the runtime: a drop, and a file for a batch folder; the rows it shows and every scheduler job's id. */
  async function run(home: string, drop: string, watchedFile: string): Promise<{ rows: JobViewData[]; restored: JobViewData[]; folderJobIds: number[] }> {
    const runtime: DesktopRuntime = createDesktopRuntime(home, { jobUpdated: () => {}, batchFinished: () => {} });
    try {
      const restored = runtime.service.list().jobs;
      const convertedBefore = runtime.watch.status()[0]?.activity.converted ?? 0;
      const seen = new Set<number>();
      runtime.scheduler.onUpdate((snapshot) => seen.add(snapshot.id));
      if (runtime.watch.status().length > 0) await runtime.watch.startEnabled();
      else await runtime.watch.add({ inputDir: path.join(dir, 'watched'), target: 'webp', outputDir: path.join(dir, 'out') });
      copyFileSync(path.join(dir, watchedFile), path.join(dir, 'watched', watchedFile));
      const { jobIds, skipped } = await runtime.service.enqueue([path.join(dir, drop)], null);
      expect(skipped).toEqual([]);
      expect(jobIds).toHaveLength(1);
      await until(() => runtime.service.list().jobs.filter((j) => j.status === 'succeeded' || j.status === 'skipped').length === restored.length + 2);
      await until(() => runtime.watch.status().some((r) => r.activity.converted >= convertedBefore + 1));
      const windowIds = new Set(runtime.service.list().jobs.map((j) => j.id));
      const folderJobIds = [...seen].filter((id) => !windowIds.has(id));
      return { rows: runtime.service.list().jobs, restored, folderJobIds };
    } finally {
      await runtime.close();
    }
  }

  it('gives every row and job of two runs on one data folder its own id, and a kept row the id it had', async () => {
    const home = path.join(dir, 'home');
    const first = await run(home, 'drop1', 'one.png');
    expect(first.restored).toEqual([]);
    expect(first.rows.map((j) => j.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(first.folderJobIds).toHaveLength(1);
    const firstIds = [...first.rows.map((j) => j.id), ...first.folderJobIds];
    expect(new Set(firstIds).size).toBe(3);

    const second = await run(home, 'drop2', 'two.png');
    // The rows kept from the first run come back with the ids the window knew them by.
    expect(second.restored.map((j) => [j.id, j.input]).sort()).toEqual(first.rows.map((j) => [j.id, j.input]).sort());
    const fresh = second.rows.filter((j) => !second.restored.some((r) => r.id === j.id));
    expect(fresh.map((j) => j.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(second.folderJobIds).toHaveLength(1);
    // Nothing new takes an id the first run handed out (a window still showing it would act on another file).
    const secondNewIds = [...fresh.map((j) => j.id), ...second.folderJobIds];
    expect(new Set([...firstIds, ...secondNewIds]).size).toBe(firstIds.length + secondNewIds.length);
  }, 120_000);
});
