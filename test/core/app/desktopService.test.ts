import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesktopService, type JobViewData } from '../../../main/core/app/desktopService';
import { durableQueue } from '../../../main/core/app/durableQueue';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import type { BatchOutcome } from '../../../main/core/app/batchTracker';
import type { ConversionResult } from '../../../main/core/localConverter';
import { outputKind } from '../../../main/core/formats';
import type { FileConverter } from '../../../main/core/fileConverter';
import { AppError } from '../../../main/core/errors';
import { Scheduler } from '../../../main/core/scheduler';
import { createDataStores, type DataStores } from '../../../native/createDataStores';
import { systemClock } from '../../../native/createNativeEngine';
import { useRealEngine } from '../../helpers/engine';
import { corpus, makeMedia, removeDir, tempDir } from '../../helpers/media';

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A process's state letter from /proc (T: stopped). */
function processState(pid: number): string | undefined {
  return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
}

/** The desktop service with the real engine, a real SQLite file and a real settings file. */
describe('DesktopService', () => {
  const engine = useRealEngine();
  let dir: string;
  let stores: DataStores;
  let updates: JobViewData[];
  let batches: BatchOutcome[];

  function createService(converter: () => FileConverter = () => engine().converter): { service: DesktopService; scheduler: Scheduler<ConversionResult> } {
    stores = createDataStores(path.join(dir, 'home'));
    stores.queue.recover();
    const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 2, image: 2 }, total: 2 }, systemClock);
    const launcher = stores.queue.launcher((job) => ({ mode: 'local', converter: converter(), scheduler, lane: outputKind(job.target) }));
    const service = new DesktopService({
      queue: durableQueue(stores.queue, stores.queueStore, launcher),
      schedulers: [scheduler],
      telemetry: stores.telemetry,
      settings: new SettingsStore(path.join(dir, 'home')),
      now: Date.now,
      presets: stores.presets,
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

  /** A converter that writes its temporary file and then waits: aborted (quit), or told to finish. */
  function fakeConverter(log: string[]): FileConverter & { finishAll(): void } {
    const finishers: (() => void)[] = [];
    return {
      finishAll: () => finishers.splice(0).forEach((finish) => finish()),
      convert: async (request, signal, onProgress, hooks) => {
        const base = path.basename(request.inputPath, path.extname(request.inputPath));
        const temp = path.join(path.dirname(request.inputPath), `.${base}.fake.convertr-part`);
        hooks?.onTemporary?.(temp);
        writeFileSync(temp, 'half');
        log.push(`started ${base}`);
        onProgress?.(0.5);
        try {
          await new Promise<void>((resolve, reject) => {
            finishers.push(resolve);
            signal?.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Cancelled.')), { once: true });
          });
        } catch (error) {
          rmSync(temp, { force: true });
          throw error;
        }
        const result: ConversionResult = {
          inputPath: request.inputPath, outputPath: path.join(path.dirname(request.inputPath), `${base}.${request.target}`), inputFormat: 'mkv', target: request.target,
          pair: 'MKV->WEBM', kind: 'video', strategy: 'encode', notes: [], inputBytes: 4, outputBytes: 4, runtimeMs: 5,
        };
        hooks?.onCommit?.(result, temp);
        renameSync(temp, result.outputPath);
        return result;
      },
    };
  }

  it('quitting with a running job keeps it queued, removes its partial file, and the next start finishes it (fake converter)', async () => {
    const input = path.join(dir, 'drop', 'long.mkv');
    writeFileSync(input, 'fake');
    const log: string[] = [];
    const fake = fakeConverter(log);
    const first = createService(() => fake);
    await first.service.enqueue([input], 'webm');
    await until(() => updates.some((u) => u.status === 'running'));
    expect(stores.queueStore.unfinished().map((j) => [j.state, j.ownerPid])).toEqual([['running', process.pid]]);
    expect(await first.service.persistForQuit()).toBe(1);
    expect(readdirSync(path.join(dir, 'drop'))).toEqual(['long.mkv']);
    expect(stores.queueStore.unfinished().map((j) => [j.state, j.ownerPid, j.scratchDir])).toEqual([['queued', null, null]]);
    expect(batches).toHaveLength(1);
    expect(stores.db.prepare('SELECT COUNT(*) AS n FROM conversions').get()).toEqual({ n: 0 });
    stores.close();

    updates = [];
    batches = [];
    const second = createService(() => fake);
    expect(second.service.restore()).toBe(1);
    await until(() => log.length === 2);
    fake.finishAll();
    await second.scheduler.whenIdle();
    expect(second.service.list().jobs[0]).toMatchObject({ status: 'succeeded', pair: 'MKV->WEBM' });
    expect(readdirSync(path.join(dir, 'drop')).sort()).toEqual(['long.mkv', 'long.webm']);
    expect(stores.db.prepare("SELECT status, COUNT(*) AS n FROM conversions GROUP BY status").all()).toEqual([{ status: 'succeeded', n: 1 }]);
  });

  it('quitting with a running job of the real engine removes its partial file, and the next start finishes it', async () => {
    const input = path.join(dir, 'drop', 'long.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
    const first = createService();
    await first.service.enqueue([input], 'webm');
    await until(() => updates.some((u) => u.status === 'running' && u.progress > 0.02));
    expect(await first.service.persistForQuit()).toBe(1);
    expect(readdirSync(path.join(dir, 'drop'))).toEqual(['long.mkv']);
    expect(stores.queueStore.unfinished().map((j) => j.state)).toEqual(['queued']);
    stores.close();

    updates = [];
    const second = createService();
    expect(second.service.restore()).toBe(1);
    await second.scheduler.whenIdle();
    expect(second.service.list().jobs[0]).toMatchObject({ status: 'succeeded', pair: 'MKV->WEBM' });
    expect(readdirSync(path.join(dir, 'drop')).sort()).toEqual(['long.mkv', 'long.webm']);
    expect(readdirSync(path.join(dir, 'home', 'scratch'))).toEqual([]);
  }, 120_000);

  it('pause suspends the running converter process (the row says paused, no progress meanwhile) and resume continues it', async () => {
    const input = path.join(dir, 'drop', 'pausable.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=12', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
    const { service, scheduler } = createService();
    const { jobIds } = await service.enqueue([input], 'webm');
    await until(() => updates.some((u) => u.status === 'running' && u.progress > 0.02));
    service.pause();
    const row = () => service.list().jobs.find((j) => j.id === jobIds[0])!;
    expect(row()).toMatchObject({ status: 'paused', pauseNote: null });
    const child = stores.queueStore.unfinished()[0]!.childPid!;
    // The kernel delivers SIGSTOP asynchronously; the state letter follows within moments.
    await until(() => processState(child) === 'T', 2000);
    const before = row().progress;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(row().progress).toBe(before);
    expect(processState(child)).toBe('T');
    service.resume();
    expect(row().status).toBe('running');
    await scheduler.whenIdle();
    expect(row()).toMatchObject({ status: 'succeeded', pair: 'MKV->WEBM' });
  }, 180_000);

  it('a paused job whose work runs inside this process says on its row that it cannot pause', async () => {
    const input = path.join(dir, 'drop', 'inproc.mkv');
    writeFileSync(input, 'fake');
    const fake = fakeConverter([]);
    const { service, scheduler } = createService(() => fake);
    const { jobIds } = await service.enqueue([input], 'webm');
    await until(() => updates.some((u) => u.status === 'running'));
    service.pause();
    expect(service.list().jobs.find((j) => j.id === jobIds[0])).toMatchObject({ status: 'running', pauseNote: expect.stringMatching(/cannot pause/) });
    service.resume();
    fake.finishAll();
    await scheduler.whenIdle();
  });

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
