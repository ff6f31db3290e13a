import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesktopService, type JobViewData } from '../../../main/core/app/desktopService';
import { durableQueue } from '../../../main/core/app/durableQueue';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import type { BatchOutcome } from '../../../main/core/app/batchTracker';
import type { ConversionResult } from '../../../main/core/localConverter';
import { outputKind } from '../../../main/core/formats';
import { JobLauncher } from '../../../main/core/queue/jobLauncher';
import { telemetryRecord } from '../../../main/core/queue/persistentQueue';
import { Scheduler } from '../../../main/core/scheduler';
import { createDataStores, type DataStores } from '../../../native/createDataStores';
import { systemClock } from '../../../native/createNativeEngine';
import { useRealEngine } from '../../helpers/engine';
import { corpus, makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The desktop service with the real engine, a real SQLite file and a real settings file. */
describe('DesktopService', () => {
  const engine = useRealEngine();
  let dir: string;
  let stores: DataStores;
  let updates: JobViewData[];
  let batches: BatchOutcome[];

  function createService(): { service: DesktopService; scheduler: Scheduler<ConversionResult> } {
    stores = createDataStores(path.join(dir, 'home'));
    stores.queue.recover();
    const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 2, image: 2 }, total: 2 }, systemClock);
    const launcher = new JobLauncher({
      store: stores.queueStore, pid: process.pid, wallClock: Date.now, telemetryRecord,
      route: (job) => ({ mode: 'local', converter: engine().converter, scheduler, lane: outputKind(job.target) }),
    });
    const service = new DesktopService({
      queue: durableQueue(stores.queue, stores.queueStore, launcher),
      schedulers: [scheduler],
      telemetry: stores.telemetry,
      settings: new SettingsStore(path.join(dir, 'home')),
      now: Date.now,
      events: { jobUpdated: (v) => updates.push(v), batchFinished: (b) => batches.push(b) },
    });
    return { service, scheduler };
  }

  beforeEach(() => {
    dir = tempDir('convertr-desktop-');
    updates = [];
    batches = [];
    mkdirSync(path.join(dir, 'drop'));
  });
  afterEach(() => {
    stores.close();
    removeDir(dir);
  });

  it('converts a drop with smart default targets, one batch event, and counts it in the stats', async () => {
    copyFileSync(corpus('heic/IMG_5195.HEIC'), path.join(dir, 'drop', 'photo.HEIC'));
    copyFileSync(corpus('audio/sixchan.wav'), path.join(dir, 'drop', 'voice.wav'));
    writeFileSync(path.join(dir, 'drop', 'broken.png'), 'not an image');
    const { service, scheduler } = createService();
    const { jobIds, batchId } = await service.enqueue([path.join(dir, 'drop')], null);
    expect(jobIds).toHaveLength(3);
    await scheduler.whenIdle();
    const jobs = service.list().jobs;
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j]));
    expect(byName['photo.HEIC']).toMatchObject({ status: 'succeeded', pair: 'HEIC->JPG', target: 'jpg', progress: 1 });
    expect(byName['voice.wav']).toMatchObject({ status: 'succeeded', pair: 'WAV->MP3', target: 'mp3' });
    expect(byName['broken.png']).toMatchObject({ status: 'failed', error: { code: 'FORMAT_UNRECOGNIZED' } });
    expect(existsSync(byName['photo.HEIC']!.output!)).toBe(true);
    expect(updates.some((u) => u.name === 'voice.wav' && u.status === 'running')).toBe(true);
    expect(batches).toEqual([{ batchId, total: 3, succeeded: 2, failed: 1, cancelled: 0, outputFolder: path.join(dir, 'drop') }]);
    const stats = service.stats(14);
    expect(stats.totalRequests).toBe(3);
    expect(stats.pairs.map((p) => p.pair).sort()).toEqual(['HEIC->JPG', 'PNG->JPG', 'WAV->MP3']);
  });

  it('quitting with a running job keeps it queued, removes its partial file, and the next start finishes it', async () => {
    const input = path.join(dir, 'drop', 'long.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
    const first = createService();
    await first.service.enqueue([input], 'webm');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (updates.some((u) => u.status === 'running' && u.progress > 0.02)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    expect(await first.service.persistForQuit()).toBe(1);
    expect(readdirSync(path.join(dir, 'drop'))).toEqual(['long.mkv']);
    expect(stores.queueStore.unfinished().map((j) => j.state)).toEqual(['queued']);
    expect(batches).toHaveLength(1);
    stores.close();

    updates = [];
    batches = [];
    const second = createService();
    expect(second.service.restore()).toBe(1);
    await second.scheduler.whenIdle();
    expect(second.service.list().jobs[0]).toMatchObject({ status: 'succeeded', pair: 'MKV->WEBM' });
    expect(readdirSync(path.join(dir, 'drop')).sort()).toEqual(['long.mkv', 'long.webm']);
  }, 180_000);

  it('retries a failed job after the file is fixed, in the same batch', async () => {
    const file = path.join(dir, 'drop', 'later.png');
    writeFileSync(file, 'not yet');
    const { service, scheduler } = createService();
    const { jobIds } = await service.enqueue([file], 'jpg');
    await scheduler.whenIdle();
    expect(service.list().jobs[0]!.status).toBe('failed');
    copyFileSync(corpus('image/portrait_6.jpg'), file);
    const retried = await service.retry(jobIds[0]!);
    await scheduler.whenIdle();
    expect(service.list().jobs.map((j) => [j.id, j.status])).toEqual([[retried, 'succeeded']]);
  });
});
