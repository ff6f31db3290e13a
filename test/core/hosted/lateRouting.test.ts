import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversionRequest } from '../../../main/core/engine/run/localConverter';
import type { HostedAccess } from '../../../main/core/hosted/hostedAccess';
import { hostedConcurrencyLimits } from '../../../main/core/hosted/hostedPlan';
import { JobRouter, type RoutingPolicy } from '../../../main/core/hosted/jobRouter';
import { ReachabilityCache } from '../../../main/core/hosted/reachability';
import type { JobReport } from '../../../main/core/jobs/jobReport';
import type { ConversionResult } from '../../../main/core/engine/run/localConverter';
import type { RoutableJob, RouteMoment } from '../../../main/core/queue/ports';
import { Scheduler } from '../../../main/core/scheduling/scheduler';
import { createDataStores, type DataStores } from '../../../native/createDataStores';
import { removeDir, tempDir } from '../../helpers/media';

/** A clock the test moves by hand: the schedulers' times and the runtimes the fake converters report. */
class TestClock {
  private ms = 1_000_000;
  now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const INPUT_BYTES = 1_000_000;

function resultOf(request: ConversionRequest, runtimeMs: number, ranOn?: 'hosted'): ConversionResult {
  return {
    inputPath: request.inputPath, outputPath: path.join(request.outputDir ?? path.dirname(request.inputPath), `${path.parse(request.inputPath).name}.mp4`),
    inputFormat: 'avi', target: 'mp4', pair: 'AVI->MP4', kind: 'video', strategy: 'encode', notes: [], inputBytes: INPUT_BYTES, outputBytes: INPUT_BYTES / 2, runtimeMs,
    ...(ranOn ? { ranOn } : {}),
  };
}

/** A hybrid router on a first run (no timing recorded for the pair, no probe), over a fake engine and a fake hosted API. */
describe('hybrid routes a job when a slot would take it, not when its batch is launched', () => {
  let dir: string;
  let stores: DataStores;

  beforeEach(() => {
    dir = tempDir('convertr-late-route-');
    stores = createDataStores(path.join(dir, 'home'));
  });
  afterEach(() => {
    stores.close();
    removeDir(dir);
  });

  it('6 long videos, 2 local slots: the first two run here as they start; the others are routed as slots would take them, with the busy slots and the first finished timing in view', async () => {
    const clock = new TestClock();
    const apiUrl = new URL('http://127.0.0.1:9/');
    const reachability = new ReachabilityCache(async () => true, clock.now);
    await reachability.check(apiUrl);
    const localScheduler = new Scheduler<ConversionResult>({ perLane: { video: 2, audio: 2, image: 2 }, total: 2 }, clock);
    const hostedScheduler = new Scheduler<ConversionResult>(hostedConcurrencyLimits(), clock);
    const localRuns: { request: ConversionRequest; startedAt: number; finish: (runtimeMs: number) => void }[] = [];
    const hostedRuns: string[] = [];
    const hostedAccess = {
      converterFor: () => ({
        convert: async (request: ConversionRequest) => {
          hostedRuns.push(path.basename(request.inputPath));
          return { ...resultOf(request, 30_000, 'hosted'), hostedCost: {}, transfer: { uploadBytes: INPUT_BYTES, uploadMs: 500, serviceMs: 29_000, downloadBytes: INPUT_BYTES / 2, downloadMs: 500 } };
        },
      }),
    } as unknown as HostedAccess;
    const router = new JobRouter({
      local: {
        converter: {
          convert: (request) => new Promise<ConversionResult>((resolve) => {
            localRuns.push({ request, startedAt: clock.now(), finish: (runtimeMs) => resolve(resultOf(request, runtimeMs)) });
          }),
        },
      },
      localScheduler,
      localSlots: () => ({ video: 2, audio: 2, image: 2 }),
      hostedScheduler,
      access: hostedAccess,
      reachability,
      // A first run: nothing of the pair measured yet (and the rows of jobs finished now are written later, in batches).
      history: { localSamples: () => [], hostedSamples: () => [], recordHosted: () => {} },
      ledger: stores.hosted,
      work: stores.hosted,
      wallClock: clock.now,
      pid: process.pid,
      isProcessAlive: () => true,
    });
    const policy: RoutingPolicy = { mode: 'hybrid', apiUrl, neverUpload: false, budgetUsd: 1 };

    const inputs = Array.from({ length: 6 }, (_, i) => {
      const file = path.join(dir, `long${i + 1}.avi`);
      writeFileSync(file, Buffer.alloc(INPUT_BYTES));
      return file;
    });
    const { batchKey } = stores.queue.submit({ inputs, target: 'mp4', outputDir: path.join(dir, 'out'), cohort: null, origin: 'cli' });

    // What the router answered, and what it saw, at the moment it was asked.
    const routed: { name: string; mode: string; reason: string | undefined; localTiming: string | undefined; busyHere: number; at: number }[] = [];
    const route = (job: RoutableJob, moment?: RouteMoment) => {
      const busyHere = localScheduler.runningCount('video');
      const result = router.route(job, policy, moment);
      if (result) routed.push({ name: path.basename(job.inputPath), mode: result.mode, reason: result.decision?.reason, localTiming: result.decision?.localTiming, busyHere, at: clock.now() });
      return result;
    };
    const reports: JobReport[] = [];
    const run = stores.queue.run(batchKey, route, (report) => reports.push(report));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    await settle();

    // At launch only the jobs two free slots take are routed: here, as nothing of the pair has been timed yet.
    expect(routed).toEqual([
      { name: 'long1.avi', mode: 'local', reason: 'no-local-timing', localTiming: undefined, busyHere: 0, at: 1_000_000 },
      { name: 'long2.avi', mode: 'local', reason: 'no-local-timing', localTiming: undefined, busyHere: 1, at: 1_000_000 },
    ]);
    expect(localRuns.map((r) => path.basename(r.request.inputPath))).toEqual(['long1.avi', 'long2.avi']);

    // Two minutes later the first one finishes: its timing is this machine's speed for the pair from now on.
    clock.advance(120_000);
    localRuns[0]!.finish(120_000);
    await settle();

    // The freed slot takes the third (here is as soon as anywhere when a slot is free); with both slots busy again the
    // rest would wait a slot's time here, and the hosted API is sooner for them.
    expect(routed.slice(2)).toEqual([
      { name: 'long3.avi', mode: 'local', reason: 'local-sooner', localTiming: 'measured', busyHere: 1, at: 1_120_000 },
      { name: 'long4.avi', mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured', busyHere: 2, at: 1_120_000 },
      { name: 'long5.avi', mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured', busyHere: 2, at: 1_120_000 },
      { name: 'long6.avi', mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured', busyHere: 2, at: 1_120_000 },
    ]);
    expect(localRuns.map((r) => path.basename(r.request.inputPath))).toEqual(['long1.avi', 'long2.avi', 'long3.avi']);

    clock.advance(60_000);
    for (const local of localRuns.slice(1)) local.finish(120_000);
    await run;
    expect(hostedRuns.sort()).toEqual(['long4.avi', 'long5.avi', 'long6.avi']);
    expect(Object.fromEntries(reports.map((r) => [path.basename(r.input), `${r.status} ${r.mode}`]))).toEqual({
      'long1.avi': 'succeeded local', 'long2.avi': 'succeeded local', 'long3.avi': 'succeeded local',
      'long4.avi': 'succeeded hosted', 'long5.avi': 'succeeded hosted', 'long6.avi': 'succeeded hosted',
    });
    // The decision each row and JSON line shows is the one made at slot time, with its reservation.
    expect(router.decisionFor(inputs[3]!)).toMatchObject({ mode: 'hosted', reason: 'hosted-sooner', localTiming: 'measured' });
    expect(router.decisionFor(inputs[3]!)?.reservedUsd).toBeGreaterThan(0);
    expect(router.decisionFor(inputs[0]!)).toMatchObject({ mode: 'local', reason: 'no-local-timing' });
  });
});
