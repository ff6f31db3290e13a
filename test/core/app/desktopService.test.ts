import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesktopService, type JobViewData } from '../../../main/core/app/desktopService';
import { FileThumbnailMaker } from '../../../native/thumbnails/fileThumbnailMaker';
import { durableQueue } from '../../../main/core/app/durableQueue';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import type { BatchOutcome } from '../../../main/core/app/batchTracker';
import type { ConversionResult } from '../../../main/core/engine/run/localConverter';
import { outputKind } from '../../../main/core/formats';
import type { FileConverter } from '../../../main/core/engine/run/fileConverter';
import { AppError } from '../../../main/core/errors';
import { Scheduler } from '../../../main/core/scheduling/scheduler';
import { JobIds } from '../../../main/core/jobs/jobIds';
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
    const ids = new JobIds(stores.jobIds);
    const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 2, image: 2 }, total: 2 }, systemClock, ids);
    const launcher = stores.queue.launcher((job) => ({ mode: 'local', converter: converter(), scheduler, lane: outputKind(job.target) }));
    const service = new DesktopService({
      queue: durableQueue(stores.queue, stores.queueStore, launcher),
      schedulers: [scheduler],
      ids,
      telemetry: stores.telemetry,
      settings: new SettingsStore(path.join(dir, 'home')),
      now: Date.now,
      presets: stores.presets,
      history: stores.history,
      thumbnails: new FileThumbnailMaker({ cacheDirectory: stores.thumbnailCache, ffmpeg: engine().tools.ffmpeg.path }),
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
    expect(batches).toEqual([{ batchId, total: 3, succeeded: 2, skipped: 0, failed: 1, cancelled: 0, outputFolder: path.join(dir, 'drop') }]);
    const stats = service.stats(14);
    expect(stats.totalRequests).toBe(3);
    expect(stats.pairs.map((p) => p.pair).sort()).toEqual(['HEIC->JPG', 'Text file->JPG', 'WAV->MP3']);
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
        await hooks?.onCommit?.(result, temp);
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

  it("a job's runtime in the stats leaves out the time it was paused", async () => {
    const input = path.join(dir, 'drop', 'held.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
    const { service, scheduler } = createService();
    const started = Date.now();
    await service.enqueue([input], 'webm');
    await until(() => updates.some((u) => u.status === 'running' && u.progress > 0.02));
    service.pause();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    service.resume();
    await scheduler.whenIdle();
    const wallMs = Date.now() - started;
    const runtimeMs = service.stats(1).pairs.find((p) => p.pair === 'MKV->WEBM')!.avgRuntimeMs!;
    expect(runtimeMs).toBeGreaterThan(0);
    expect(runtimeMs).toBeLessThanOrEqual(wallMs - 4000);
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

  it('a Retry after a restart converts with the options set by hand for the failed job', async () => {
    const file = path.join(dir, 'drop', 'later.png');
    writeFileSync(file, 'not yet');
    const first = createService();
    const { jobIds } = await first.service.enqueue([file], 'webp', { options: { resize: 64 } });
    await first.scheduler.whenIdle();
    expect(first.service.list().jobs[0]).toMatchObject({ status: 'failed', optionsSummary: expect.stringContaining('64'), options: { resize: 64 } });
    stores.close();

    copyFileSync(corpus('image/portrait_6.jpg'), file);
    const { service, scheduler } = createService();
    const retried = await service.retry(jobIds[0]!);
    await scheduler.whenIdle();
    const row = service.list().jobs.find((j) => j.id === retried)!;
    expect(row).toMatchObject({ status: 'succeeded', options: { resize: 64 } });
    const { width, height } = await import('sharp').then(({ default: sharp }) => sharp(row.output!).metadata());
    expect(Math.max(width!, height!)).toBe(64);
  }, 60_000);

  it("rows carry the input's and the output's picture size and length, and a row's picture is made on demand", async () => {
    const video = path.join(dir, 'drop', 'clip.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video]);
    const photo = path.join(dir, 'drop', 'portrait.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), photo);
    const { service, scheduler } = createService();
    const [clipId] = (await service.enqueue([video], 'mkv')).jobIds;
    const [photoId] = (await service.enqueue([photo], 'webp')).jobIds;
    await scheduler.whenIdle();
    const byName = Object.fromEntries(service.list().jobs.map((j) => [j.name, j]));
    expect(byName['clip.mp4']).toMatchObject({ status: 'succeeded', inputFacts: { width: 1280, height: 720 }, outputFacts: { width: 1280, height: 720 } });
    expect(byName['clip.mp4']!.inputFacts!.durationSeconds).toBeCloseTo(2, 0);
    expect(byName['clip.mp4']!.outputFacts!.durationSeconds).toBeCloseTo(2, 0);
    const upright = await import('sharp').then(({ default: sharp }) => sharp(photo).metadata());
    // EXIF orientation 6: the picture as viewed is the stored one turned a quarter.
    expect(byName['portrait.jpg']).toMatchObject({ inputFacts: { width: upright.height, height: upright.width, durationSeconds: null }, outputFacts: { width: upright.height, height: upright.width } });
    await expect(service.thumbnail(clipId!)).resolves.toMatch(/^data:image\/jpeg;base64,/);
    await expect(service.thumbnail(photoId!)).resolves.toMatch(/^data:image\/webp;base64,/);
    await expect(service.thumbnail(987_654)).resolves.toBeNull();
    expect(readdirSync(path.join(dir, 'drop')).sort()).toEqual(['clip.mkv', 'clip.mp4', 'portrait.jpg', 'portrait.webp']);
  }, 60_000);

  it('reports a file the conflict policy skipped as skipped, counted apart in its batch', async () => {
    const photo = path.join(dir, 'drop', 'portrait.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), photo);
    const { service, scheduler } = createService();
    await service.enqueue([photo], 'webp');
    await scheduler.whenIdle();
    const { batchId } = await service.enqueue([photo], 'webp', { onConflict: 'skip' });
    await scheduler.whenIdle();
    const skipped = service.list().jobs.find((j) => j.batchId === batchId)!;
    expect(skipped).toMatchObject({ status: 'skipped', output: null });
    expect(skipped.notes[0]).toMatch(/already exists/);
    expect(batches.at(-1)).toMatchObject({ batchId, total: 1, succeeded: 0, skipped: 1 });
  });

  it('keeps finished rows across restarts until they are cleared; a removed row stays gone; nothing runs again', async () => {
    const photo = path.join(dir, 'drop', 'portrait.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), photo);
    const broken = path.join(dir, 'drop', 'broken.png');
    writeFileSync(broken, 'not an image');
    const first = createService();
    await first.service.enqueue([photo], 'webp');
    await first.service.enqueue([broken], 'jpg');
    await first.scheduler.whenIdle();
    await first.service.enqueue([photo], 'webp', { onConflict: 'skip' });
    await first.scheduler.whenIdle();
    // What a row shows once it has ended (progress and time left belong to the run that made it); oldest end first.
    const ended = (jobs: JobViewData[]) => jobs.map(({ id: _id, progress: _p, etaSeconds: _e, ...rest }) => rest).sort((a, b) => a.finishedAt! - b.finishedAt!);
    const before = ended(first.service.list().jobs);
    const idsBefore = first.service.list().jobs.map((j) => j.id).sort((a, b) => a - b);
    expect(before.map((j) => j.status).sort()).toEqual(['failed', 'skipped', 'succeeded']);
    await first.service.persistForQuit();
    stores.close();

    const second = createService();
    expect(second.service.restore()).toBe(0);
    const kept = second.service.list().jobs;
    expect(ended(kept)).toEqual(before);
    expect(kept.map((j) => j.finishedAt)).toEqual(before.map((j) => j.finishedAt));
    // A kept row keeps the id the window knew it by.
    expect(kept.map((j) => j.id).sort((a, b) => a - b)).toEqual(idsBefore);
    const converted = kept.find((j) => j.status === 'succeeded')!;
    expect(converted.inputFacts).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
    // A kept row still shows its file.
    expect(second.service.outputOf(converted.id)).toBe(path.join(dir, 'drop', 'portrait.webp'));
    // New jobs of this run get ids and batches of their own.
    const { batchId, jobIds } = await second.service.enqueue([photo], 'png');
    await second.scheduler.whenIdle();
    expect(kept.some((j) => j.id === jobIds[0] || j.batchId === batchId)).toBe(false);
    expect(second.service.remove(kept.find((j) => j.status === 'failed')!.id)).toBe(true);
    stores.close();

    const third = createService();
    expect(third.service.list().jobs.map((j) => `${j.name} ${j.target} ${j.status}`).sort()).toEqual(['portrait.jpg png succeeded', 'portrait.jpg webp skipped', 'portrait.jpg webp succeeded']);
    expect(third.service.clearFinished()).toBe(3);
    stores.close();

    const fourth = createService();
    expect(fourth.service.list().jobs).toEqual([]);
    expect(fourth.service.restore()).toBe(0);
    expect(stores.db.prepare("SELECT status, COUNT(*) AS n FROM conversions GROUP BY status ORDER BY status").all()).toEqual([{ status: 'failed', n: 1 }, { status: 'succeeded', n: 2 }]);
  }, 60_000);
});
