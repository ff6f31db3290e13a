import { availableParallelism, homedir, totalmem } from 'node:os';
import { concurrencyLimits } from '../core/scheduling/concurrency.js';
import { memoryBudget, memoryBudgetOverride } from '../core/scheduling/memoryEstimate.js';
import { dataDirectory, retentionDays } from '../core/dataDirectory.js';
import type { ConversionResult } from '../core/engine/run/localConverter.js';
import { Scheduler } from '../core/scheduling/scheduler.js';
import { JobIds } from '../core/jobs/jobIds.js';
import { DAY_MS } from '../core/telemetry/stats.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import { createNativeEngine, systemClock, tryCreateNativeEngine, type NativeEngine } from '../../native/createNativeEngine.js';
import { AppError } from '../core/errors.js';
import { outputKind } from '../core/formats.js';
import type { LateRouter as RouteJob } from '../core/queue/ports.js';
import type { JobRouter, RoutingPolicy } from '../core/hosted/jobRouter.js';

/** Opens the data folder's stores and prunes telemetry past its retention. */
export function openStores(env: NodeJS.ProcessEnv = process.env): DataStores {
  const stores = createDataStores(dataDirectory(env, process.platform, homedir()));
  stores.telemetry.prune(Date.now() - retentionDays(env) * DAY_MS);
  return stores;
}

/** This machine's slots, and the memory budget its jobs share. */
function localLimits() {
  return { ...concurrencyLimits({ cores: availableParallelism(), totalMemoryBytes: totalmem() }), memoryBudget: memoryBudget(totalmem(), memoryBudgetOverride(process.env)) };
}

export interface ConversionContext {
  engine: NativeEngine;
  scheduler: Scheduler<ConversionResult>;
}

export function createConversionContext(): ConversionContext {
  return {
    engine: createNativeEngine(),
    scheduler: new Scheduler<ConversionResult>(localLimits(), systemClock),
  };
}

export interface RoutingOptions {
  policy: RoutingPolicy;
  /** The raw label from `--label`, sent as a header; only its hash is stored. */
  label: string | undefined;
  stores: DataStores;
  env: NodeJS.ProcessEnv;
  /** Where to say what the user must know (no keychain, unreachable API, no local tools). */
  notice: (line: string) => void;
}

/** Everything a routed batch needs: the one router, and the schedulers jobs run on. */
export interface RoutedContext {
  schedulers: Scheduler<ConversionResult>[];
  /** What chose between this machine and the hosted API; absent for a local batch, which never loads the hosted pieces. */
  router?: JobRouter;
  route: RouteJob;
  close(): Promise<void>;
}

export async function createRoutedContext(options: RoutingOptions): Promise<RoutedContext> {
  const { policy } = options;
  const local = tryCreateNativeEngine();
  // A local-only batch on a machine without ffmpeg fails before any job, with the tool's own message.
  if (local instanceof AppError && policy.mode === 'local') throw local;
  const limits = localLimits();
  const ids = new JobIds();
  const localScheduler = new Scheduler<ConversionResult>(limits, systemClock, ids);
  if (policy.mode === 'local' && !(local instanceof AppError)) {
    return {
      schedulers: [localScheduler],
      route: (job) => ({ mode: 'local', converter: local.converter, scheduler: localScheduler, lane: outputKind(job.target) }),
      close: () => local.close(),
    };
  }
  // The hosted pieces (keytar, the output inspectors with sharp) load only when the batch is routed.
  const { createRouterWiring } = await import('../shell/hostedRouting.js');
  const wiring = createRouterWiring({ local, localScheduler, ids, localSlots: () => limits.perLane, stores: options.stores, env: options.env });
  const close = async () => {
    if (!(local instanceof AppError)) await local.close();
  };
  if (policy.mode !== 'local' && policy.apiUrl && !policy.neverUpload) {
    const keychainProblem = await wiring.access.load(policy.apiUrl, { label: false });
    if (keychainProblem) options.notice(`${keychainProblem} Converting anonymously.`);
    wiring.access.setLabel(options.label);
  }
  const reachable = await wiring.router.prepare(policy);
  if (local instanceof AppError) {
    const hostedHelps = (policy.mode === 'auto' || policy.mode === 'hybrid') && !policy.neverUpload;
    options.notice(`This machine cannot convert locally (${local.message})${hostedHelps ? (reachable ? '; sending the jobs to the hosted API.' : '; the hosted API cannot be reached either.') : '.'}`);
  }
  return {
    schedulers: [localScheduler, wiring.hostedScheduler],
    router: wiring.router,
    route: (job, moment) => wiring.router.route(job, policy, moment),
    close,
  };
}
