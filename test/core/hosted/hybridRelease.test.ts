import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesktopService } from '../../../main/core/app/desktopService';
import { durableQueue } from '../../../main/core/app/durableQueue';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import { AppError } from '../../../main/core/errors';
import type { FileConverter } from '../../../main/core/engine/run/fileConverter';
import { HostedAccess } from '../../../main/core/hosted/hostedAccess';
import { hostedConcurrencyLimits } from '../../../main/core/hosted/hostedPlan';
import { monthOf } from '../../../main/core/hosted/hostedRecords';
import { JobRouter } from '../../../main/core/hosted/jobRouter';
import { ReachabilityCache } from '../../../main/core/hosted/reachability';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import type { ConversionResult } from '../../../main/core/engine/run/localConverter';
import { Scheduler } from '../../../main/core/scheduling/scheduler';
import { JobIds } from '../../../main/core/jobs/jobIds';
import { createDataStores, type DataStores } from '../../../native/createDataStores';
import { createNativeEngine, systemClock, type NativeEngine } from '../../../native/createNativeEngine';
import { outputInspectors } from '../../../main/shell/hostedRouting';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { memoryKeychain } from '../../helpers/memoryKeychain';
import { waitFor } from '../../helpers/watchCli';

/** A hybrid job's budget is reserved when it is routed; a job cancelled before it converts must give it back. */
describe('hybrid: what routing reserved goes back when the job never runs', () => {
  let server: HostedTestServer;
  let serverEngine: NativeEngine;
  let dir: string;
  let stores: DataStores;
  let wav: string;

  beforeAll(async () => {
    serverEngine = createNativeEngine({ heicWorkers: 1 });
    server = await startHostedTestServer({ engine: serverEngine });
    dir = tempDir('convertr-hybrid-release-');
    stores = createDataStores(path.join(dir, 'home'));
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', wav]);
  });
  afterAll(async () => {
    stores.close();
    await server.close();
    await serverEngine.close();
    removeDir(dir);
  });

  /** The router as the app wires it, on a machine that cannot convert locally, so that hybrid picks the hosted API. */
  async function router(): Promise<JobRouter> {
    const reachability = new ReachabilityCache();
    await reachability.check(new URL(server.url));
    return new JobRouter({
      local: new AppError('TOOL_MISSING', 'no ffmpeg here'),
      localScheduler: new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 1, image: 1 }, total: 1 }, systemClock),
      localSlots: () => ({ video: 1, audio: 1, image: 1 }),
      hostedScheduler: new Scheduler<ConversionResult>(hostedConcurrencyLimits(), systemClock),
      access: new HostedAccess({ vault: new TokenVault(memoryKeychain()), inspectors: outputInspectors(), clock: systemClock, timeoutMs: 30_000 }),
      reachability,
      history: { localSamples: () => [], hostedSamples: () => [], recordHosted: () => {} },
      ledger: stores.hosted,
      work: stores.hosted,
      wallClock: Date.now,
      pid: process.pid,
      isProcessAlive: () => true,
    });
  }
  const reserved = () => stores.hosted.month(monthOf(Date.now())).reservedUsd;

  it('release() after a cancel before start returns the reservation; the converter then refuses to run; a job that ran settles as before', async () => {
    const hybrid = await router();
    const policy = { mode: 'hybrid' as const, apiUrl: new URL(server.url), budgetUsd: 1, neverUpload: false };
    const job = { batchKey: 'a'.repeat(32), inputPath: wav, target: 'mp3' as const };
    const route = hybrid.route(job, policy);
    expect(route.mode).toBe('hosted');
    expect(reserved()).toBeGreaterThan(0);
    route.release?.();
    route.release?.();
    expect(reserved()).toBe(0);
    await expect(route.converter.convert({ inputPath: wav, target: 'mp3', outputDir: path.join(dir, 'never') })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(server.requests.filter((r) => r.path === '/api/convert')).toHaveLength(0);

    const ran = hybrid.route(job, policy);
    mkdirSync(path.join(dir, 'out'), { recursive: true });
    await ran.converter.convert({ inputPath: wav, target: 'mp3', outputDir: path.join(dir, 'out') });
    ran.release?.();
    expect(reserved()).toBe(0);
    expect(stores.hosted.month(monthOf(Date.now())).settledUsd).toBeGreaterThan(0);
  }, 60_000);

  it('the queue releases the route of a job cancelled while it waited for a slot', async () => {
    const ids = new JobIds();
    const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 1, image: 1 }, total: 1 }, systemClock, ids);
    let unblock = () => {};
    const blocking: FileConverter = { convert: (_request, signal) => new Promise((_resolve, reject) => {
      unblock = () => reject(new AppError('CANCELLED', 'stopped'));
      signal?.addEventListener('abort', () => reject(new AppError('CANCELLED', 'stopped')));
    }) };
    const released: string[] = [];
    const launcher = stores.queue.launcher((job) => ({ mode: 'hosted', converter: blocking, scheduler, lane: 'audio', release: () => released.push(path.basename(job.inputPath)) }));
    const service = new DesktopService({
      queue: durableQueue(stores.queue, stores.queueStore, launcher),
      schedulers: [scheduler],
      ids,
      telemetry: stores.telemetry,
      settings: new SettingsStore(path.join(dir, 'home')),
      now: Date.now,
      presets: stores.presets,
      events: { jobUpdated: () => {}, batchFinished: () => {} },
    });
    const second = path.join(dir, 'second.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=1', second]);
    const { jobIds } = await service.enqueue([wav, second], 'mp3');
    await waitFor(() => service.list().jobs.some((j) => j.status === 'running'), 'the first job to run', 30_000, 10);
    const waiting = service.list().jobs.find((j) => j.status === 'queued')!;
    expect(service.cancel(waiting.id)).toBe(true);
    await waitFor(() => released.includes(path.basename(waiting.input)), 'the cancelled job\'s route to be released', 30_000, 10);
    expect(released).toEqual([path.basename(waiting.input)]);
    unblock();
    await scheduler.whenIdle();
    expect(released).toHaveLength(jobIds.length);
  }, 60_000);
});
