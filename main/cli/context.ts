import { availableParallelism, homedir, totalmem } from 'node:os';
import { concurrencyLimits } from '../core/concurrency.js';
import { dataDirectory, retentionDays } from '../core/dataDirectory.js';
import type { ConversionResult } from '../core/localConverter.js';
import { Scheduler } from '../core/scheduler.js';
import { DAY_MS } from '../core/telemetry/stats.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import { createNativeEngine, systemClock, type NativeEngine } from '../../native/createNativeEngine.js';
import type { FileConverter } from '../core/batch.js';
import { AppError } from '../core/errors.js';
import { outputKind } from '../core/formats.js';
import { fileSize } from '../core/inputFiles.js';
import { HostedClient } from '../core/hosted/hostedClient.js';
import { HostedConverter } from '../core/hosted/hostedConverter.js';
import { hostedConcurrencyLimits, hostedLane, requestTimeoutMs } from '../core/hosted/hostedPlan.js';
import { isHostedReachable } from '../core/hosted/reachability.js';
import { chooseMode, type ModePreference } from '../core/hosted/routing.js';
import type { JobRouter } from '../core/queue/ports.js';


/** Opens the data folder's stores and prunes telemetry past its retention. */
export function openStores(env: NodeJS.ProcessEnv = process.env): DataStores {
  const stores = createDataStores(dataDirectory(env, process.platform, homedir()));
  stores.telemetry.prune(Date.now() - retentionDays(env) * DAY_MS);
  return stores;
}

export interface ConversionContext {
  engine: NativeEngine;
  scheduler: Scheduler<ConversionResult>;
}

export function createConversionContext(): ConversionContext {
  return {
    engine: createNativeEngine(),
    scheduler: new Scheduler<ConversionResult>(concurrencyLimits({ cores: availableParallelism(), totalMemoryBytes: totalmem() }), systemClock),
  };
}

export interface RoutingOptions {
  mode: ModePreference;
  apiUrl: URL | undefined;
  label: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Where to say what the user must know (no keychain, unreachable API). */
  notice: (line: string) => void;
}

/** Everything a routed batch needs: the local engine when this machine can run it, the hosted converter when asked for. */
export interface RoutedContext {
  schedulers: Scheduler<ConversionResult>[];
  route: JobRouter;
  close(): Promise<void>;
}

function tryLocalEngine(mode: ModePreference): NativeEngine | AppError {
  try {
    return createNativeEngine();
  } catch (error) {
    if (mode === 'local' || !(error instanceof AppError)) throw error;
    return error;
  }
}

export async function createRoutedContext(options: RoutingOptions): Promise<RoutedContext> {
  const local = tryLocalEngine(options.mode);
  const localScheduler = new Scheduler<ConversionResult>(concurrencyLimits({ cores: availableParallelism(), totalMemoryBytes: totalmem() }), systemClock);
  const closers: (() => Promise<void>)[] = [];
  if (!(local instanceof AppError)) closers.push(() => local.close());
  const close = async () => {
    await Promise.all(closers.map((c) => c()));
  };
  if (options.mode === 'local' || !options.apiUrl) {
    const engine = local as NativeEngine;
    return { schedulers: [localScheduler], route: (job) => ({ mode: 'local', converter: engine.converter, scheduler: localScheduler, lane: outputKind(job.target) }), close };
  }
  const apiUrl = options.apiUrl;
  const localCapable = !(local instanceof AppError);
  const reachable = options.mode === 'auto' && !localCapable ? await isHostedReachable(apiUrl) : true;
  if (!localCapable) options.notice(`This machine cannot convert locally (${(local as AppError).message})${options.mode === 'auto' ? (reachable ? '; sending the jobs to the hosted API.' : '; the hosted API cannot be reached either.') : '.'}`);
  // The hosted pieces (keytar, the output inspectors with sharp) load only when a batch may go hosted.
  const { createTokenVault, outputInspectors } = await import('../shell/hostedRouting.js');
  const { token, keychainProblem } = await createTokenVault().load(apiUrl);
  if (keychainProblem) options.notice(`${keychainProblem} Converting anonymously.`);
  const inspection = outputInspectors();
  closers.push(inspection.close);
  const hosted = new HostedConverter({
    client: new HostedClient({ apiUrl, token, label: options.label, timeoutMs: requestTimeoutMs(options.env) }),
    clock: systemClock,
    inspectors: inspection.inspectors,
  });
  const hostedScheduler = new Scheduler<ConversionResult>(hostedConcurrencyLimits(), systemClock);
  const failing: FileConverter = { convert: () => Promise.reject(local) };
  const route: JobRouter = (job) => {
    const mode = chooseMode(options.mode, { localCapable, hostedReachable: () => reachable, inputBytes: fileSize(job.inputPath) ?? 0 });
    if (mode === 'hosted') return { mode, converter: hosted, scheduler: hostedScheduler, lane: hostedLane(outputKind(job.target)) };
    return { mode, converter: local instanceof AppError ? failing : local.converter, scheduler: localScheduler, lane: outputKind(job.target) };
  };
  return { schedulers: [localScheduler, hostedScheduler], route, close };
}
