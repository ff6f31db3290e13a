import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DesktopService, type JobViewData } from '../../../main/core/app/desktopService';
import { durableQueue } from '../../../main/core/app/durableQueue';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import type { BatchOutcome } from '../../../main/core/app/batchTracker';
import type { ConversionRequest, ConversionResult } from '../../../main/core/engine/run/localConverter';
import { AppError } from '../../../main/core/errors';
import { HostedAccess } from '../../../main/core/hosted/hostedAccess';
import { hostedConcurrencyLimits } from '../../../main/core/hosted/hostedPlan';
import { JobRouter, type RoutingPolicy } from '../../../main/core/hosted/jobRouter';
import { ReachabilityCache } from '../../../main/core/hosted/reachability';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { JobIds } from '../../../main/core/jobs/jobIds';
import type { RoutableJob, RouteMoment } from '../../../main/core/queue/ports';
import { Scheduler } from '../../../main/core/scheduling/scheduler';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { outputInspectors } from '../../../main/shell/hostedRouting';
import { createDataStores, type DataStores } from '../../../native/createDataStores';
import { systemClock } from '../../../native/createNativeEngine';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ROOT } from '../../helpers/cli';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';
import { memoryKeychain } from '../../helpers/memoryKeychain';

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A conversion on "this machine" that runs until the test finishes it, reporting the runtime the test gives. */
interface LocalRun {
  name: string;
  finish(runtimeMs: number): void;
}

function fakeResult(request: ConversionRequest, runtimeMs: number): ConversionResult {
  return {
    inputPath: request.inputPath, outputPath: path.join(request.outputDir ?? path.dirname(request.inputPath), `${path.parse(request.inputPath).name}.mp4`),
    inputFormat: 'avi', target: 'mp4', pair: 'AVI->MP4', kind: 'video', strategy: 'encode', notes: [], inputBytes: statSync(request.inputPath).size, outputBytes: 1, runtimeMs,
  };
}

/**
 * A window drop goes the way of `convertr convert`: its jobs are claimed and shown as rows at once, and each is
 * routed when a slot could take it, by the real router (hybrid: the hosted test server), over a real launcher and
 * SQLite file. This machine's conversions are held until the test ends them, so that what the router saw is known.
 */
describe('a window drop is routed when a slot would take each job', () => {
  let server: HostedTestServer;
  let dir: string;
  let seed: string;
  let stores: DataStores;
  let batches: BatchOutcome[];

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-window-late-');
    seed = path.join(dir, 'seed.avi');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-c:v', 'mpeg4', '-q:v', '5', seed]);
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });
  let home: string;
  beforeEach(() => {
    home = tempDir('convertr-window-late-home-');
    batches = [];
  });
  afterEach(() => {
    stores.close();
    removeDir(home);
  });

  function clips(names: string[]): string[] {
    mkdirSync(path.join(home, 'drop'), { recursive: true });
    return names.map((name) => {
      const file = path.join(home, 'drop', `${name}.avi`);
      copyFileSync(seed, file);
      return file;
    });
  }

  /** The service as the runtime wires it, with one router call per job and a record of what each call saw. */
  async function windowWith(policy: RoutingPolicy, videoSlots: number) {
    stores = createDataStores(path.join(home, 'data'));
    stores.queue.recover();
    const ids = new JobIds(stores.jobIds);
    const slots = { video: videoSlots, audio: 1, image: 1 };
    const localScheduler = new Scheduler<ConversionResult>({ perLane: slots, total: videoSlots }, systemClock, ids);
    const hostedScheduler = new Scheduler<ConversionResult>(hostedConcurrencyLimits(), systemClock, ids);
    const reachability = new ReachabilityCache();
    await reachability.check(new URL(server.url));
    const localRuns: LocalRun[] = [];
    const router = new JobRouter({
      local: {
        converter: {
          convert: (request, signal) => new Promise<ConversionResult>((resolve, reject) => {
            localRuns.push({ name: path.parse(request.inputPath).name, finish: (runtimeMs) => resolve(fakeResult(request, runtimeMs)) });
            signal?.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Cancelled.')), { once: true });
          }),
        },
      },
      localScheduler, hostedScheduler, localSlots: () => slots, reachability,
      access: new HostedAccess({ vault: new TokenVault(memoryKeychain()), inspectors: outputInspectors(), clock: systemClock, timeoutMs: 30_000 }),
      // A first run: nothing of the pair measured yet.
      history: { localSamples: () => [], hostedSamples: () => [], recordHosted: () => {} },
      ledger: stores.hosted, work: stores.hosted, wallClock: Date.now, pid: process.pid, isProcessAlive: () => true,
    });
    const routed: { name: string; mode: string; reason: string | undefined; localTiming: string | undefined; busyHere: number }[] = [];
    const batchKeys = new Set<string>();
    const launcher = stores.queue.launcher((job: RoutableJob, moment?: RouteMoment) => {
      batchKeys.add(job.batchKey);
      const busyHere = localScheduler.runningCount('video');
      const route = router.route(job, policy, moment);
      if (route) routed.push({ name: path.parse(job.inputPath).name, mode: route.mode, reason: route.decision?.reason, localTiming: route.decision?.localTiming, busyHere });
      return route;
    });
    const service = new DesktopService({
      queue: durableQueue(stores.queue, stores.queueStore, launcher), schedulers: [localScheduler, hostedScheduler], ids, telemetry: stores.telemetry,
      settings: new SettingsStore(path.join(home, 'data')), now: Date.now, presets: stores.presets, events: { jobUpdated: () => {}, batchFinished: (b) => batches.push(b) },
    });
    const row = (name: string): JobViewData => service.list().jobs.find((j) => j.name === `${name}.avi`)!;
    const storedState = (name: string) => [...batchKeys].flatMap((key) => stores.queueStore.batch(key)).find((j) => path.parse(j.inputPath).name === name)?.state;
    return { service, localRuns, routed, row, storedState };
  }

  it('hybrid, 5 videos, 2 slots here: the first two run here as they start; the third waits for the first to end and the rest see its timing and the busy slots', async () => {
    const { service, localRuns, routed, row } = await windowWith({ mode: 'hybrid', apiUrl: new URL(server.url), neverUpload: false, budgetUsd: 1 }, 2);
    const { jobIds } = await service.enqueue(clips(['clip1', 'clip2', 'clip3', 'clip4', 'clip5']), 'mp4');
    await settle();
    // Every file has its row at once; only the jobs the two free slots take are routed.
    expect(jobIds).toHaveLength(5);
    expect(routed).toEqual([
      { name: 'clip1', mode: 'local', reason: 'no-local-timing', localTiming: undefined, busyHere: 0 },
      { name: 'clip2', mode: 'local', reason: 'no-local-timing', localTiming: undefined, busyHere: 1 },
    ]);
    expect(['clip3', 'clip4', 'clip5'].map((name) => row(name).status)).toEqual(['queued', 'queued', 'queued']);

    // The first ends after two minutes of this machine's time: from now on that is its speed for the pair.
    localRuns[0]!.finish(120_000);
    await until(() => routed.length === 5, 'the waiting jobs to be routed');
    expect(routed.slice(2)).toEqual([
      { name: 'clip3', mode: 'local', reason: 'local-sooner', localTiming: 'measured', busyHere: 1 },
      { name: 'clip4', mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured', busyHere: 2 },
      { name: 'clip5', mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured', busyHere: 2 },
    ]);
    for (const run of localRuns.slice(1)) run.finish(120_000);
    await until(() => service.list().jobs.every((j) => j.status === 'succeeded' || j.status === 'failed'), 'every row to end');
    expect(Object.fromEntries(service.list().jobs.map((j) => [j.name, `${j.status} ${j.mode}`]))).toEqual({
      'clip1.avi': 'succeeded local', 'clip2.avi': 'succeeded local', 'clip3.avi': 'succeeded local', 'clip4.avi': 'succeeded hosted', 'clip5.avi': 'succeeded hosted',
    });
    // The hosted rows' files came back from the API.
    expect(ffprobe(row('clip4').output!).streams[0]!.codec_name).toBe('h264');
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert')).toHaveLength(2);
  }, 120_000);

  it('a row not routed yet can be moved, cancelled and held by pause: it starts in its new place, a cancelled one never starts and ends cancelled', async () => {
    const { service, localRuns, routed, row, storedState } = await windowWith({ mode: 'local', apiUrl: undefined, neverUpload: false, budgetUsd: 0 }, 1);
    await service.enqueue(clips(['a', 'b', 'c', 'd']), 'mp4');
    await settle();
    expect(routed.map((r) => r.name)).toEqual(['a']);
    const [b, c, d] = [row('b').id, row('c').id, row('d').id];

    // Dragged above b, d is the next to start; c is cancelled while it waits, and ends at once.
    const order = service.move(d, { before: b });
    expect(order.map((id) => service.list().jobs.find((j) => j.id === id)!.name)).toEqual(['a.avi', 'd.avi', 'b.avi', 'c.avi']);
    // Each row took its file's unit of work with its claim; the cancelled one frees its unit for any other process.
    const unitsHeld = () => (stores.db.prepare("SELECT count(*) AS n FROM work_units WHERE state = 'running'").get() as { n: number }).n;
    expect(unitsHeld()).toBe(4);
    expect(service.cancel(c)).toBe(true);
    expect(unitsHeld()).toBe(3);
    expect(row('c')).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(storedState('c')).toBe('cancelled');
    expect(service.cancel(c)).toBe(false);

    // Paused, the end of a starts nothing, and nothing is routed while the slots it would see are held.
    service.pause();
    localRuns[0]!.finish(1_000);
    await until(() => row('a').status === 'succeeded', 'a to end');
    await settle();
    expect(localRuns.map((r) => r.name)).toEqual(['a']);
    expect(routed.map((r) => r.name)).toEqual(['a']);
    expect(row('d').status).toBe('queued');

    service.resume();
    await until(() => localRuns.length === 2, 'd to start');
    localRuns[1]!.finish(1_000);
    await until(() => localRuns.length === 3, 'b to start');
    localRuns[2]!.finish(1_000);
    await until(() => row('b').status === 'succeeded', 'b to end');
    expect(localRuns.map((r) => r.name)).toEqual(['a', 'd', 'b']);
    expect(routed.map((r) => r.name)).toEqual(['a', 'd', 'b']);
    expect(unitsHeld()).toBe(0);
    expect(batches).toEqual([expect.objectContaining({ total: 4, succeeded: 3, cancelled: 1 })]);
  }, 60_000);

  it('quitting keeps a row not routed yet queued, like the running one, and the next start converts both', async () => {
    const first = await windowWith({ mode: 'local', apiUrl: undefined, neverUpload: false, budgetUsd: 0 }, 1);
    await first.service.enqueue(clips(['a', 'b']), 'mp4');
    await settle();
    expect(first.localRuns.map((r) => r.name)).toEqual(['a']);
    expect(await first.service.persistForQuit()).toBe(2);
    expect([first.storedState('a'), first.storedState('b')]).toEqual(['queued', 'queued']);
    stores.close();

    const second = await windowWith({ mode: 'local', apiUrl: undefined, neverUpload: false, budgetUsd: 0 }, 1);
    expect(second.service.restore()).toBe(2);
    await until(() => second.localRuns.length === 1, 'a to start again');
    second.localRuns[0]!.finish(1_000);
    await until(() => second.localRuns.length === 2, 'b to start');
    second.localRuns[1]!.finish(1_000);
    await until(() => second.service.list().jobs.filter((j) => j.status === 'succeeded').length === 2, 'both to end');
    expect(second.localRuns.map((r) => r.name)).toEqual(['a', 'b']);
  }, 60_000);
});

/** "Convert on this computer" on the runtime the window uses: a retry that must wait for a slot here still runs here. */
describe('Convert on this computer while this machine is busy', () => {
  let server: HostedTestServer;
  let dir: string;
  let runtime: DesktopRuntime | undefined;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-window-here-late-');
  });
  afterAll(async () => {
    await runtime?.close();
    await server.close();
    removeDir(dir);
  });

  it('the second retry waits for the first one\'s slot, then converts here too and uploads nothing; a cancelled one leaves no mark', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(home);
    // One sound at a time on this machine.
    new SettingsStore(home).update({ concurrency: { video: 1, audio: 1, image: 1 } });
    const sounds = ['one', 'two', 'three'].map((name) => path.join(dir, `${name}.wav`));
    for (const sound of sounds) makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=120', sound]);
    const live = createDesktopRuntime(home, { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    runtime = live;
    const handlers = contractHandlers(live.service, live.settings, live.watch, live, {
      version: 'test', ffmpeg: live.ffmpeg, hardware: live.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: home },
    });
    await handlers['settings:set']({ mode: 'hosted', apiUrl: server.url, outputFolder: path.join(dir, 'out') });
    server.setFault('validation-422');
    const { jobIds } = await handlers['queue:enqueue']({ paths: sounds, target: 'mp3' });
    const rowOf = (id: number) => live.service.list().jobs.find((j) => j.id === id);
    const ended = (id: number) => ['succeeded', 'failed', 'cancelled'].includes(rowOf(id)?.status ?? '');
    await until(() => jobIds.every(ended), 'the hosted jobs to fail');
    expect(jobIds.map((id) => rowOf(id)!.status)).toEqual(['failed', 'failed', 'failed']);
    const uploads = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    const before = uploads();

    const first = await handlers['queue:retry']({ jobId: jobIds[0]!, mode: 'local' });
    const second = await handlers['queue:retry']({ jobId: jobIds[1]!, mode: 'local' });
    expect(rowOf(first.jobId)!.status).toBe('running');
    expect(rowOf(second.jobId)!.status).toBe('queued');
    // A third one cancelled while it waits leaves nothing behind: a later plain Retry goes where the settings say.
    const third = await handlers['queue:retry']({ jobId: jobIds[2]!, mode: 'local' });
    expect((await handlers['queue:cancel']({ jobId: third.jobId })).cancelled).toBe(true);
    expect(rowOf(third.jobId)!.status).toBe('cancelled');
    const plain = await handlers['queue:retry']({ jobId: third.jobId });
    await until(() => ended(plain.jobId), 'the plain retry to end');
    expect(rowOf(plain.jobId)).toMatchObject({ status: 'failed', mode: 'hosted' });
    const hostedTries = uploads() - before;
    await until(() => ended(first.jobId) && ended(second.jobId), 'both retries to end');
    for (const id of [first.jobId, second.jobId]) {
      expect(rowOf(id)).toMatchObject({ status: 'succeeded', mode: 'local', error: null });
      expect(existsSync(rowOf(id)!.output!)).toBe(true);
    }
    expect(uploads() - before).toBe(hostedTries);
    expect(hostedTries).toBe(1);
  }, 120_000);
});
