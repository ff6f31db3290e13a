import { availableParallelism, homedir, totalmem } from 'node:os';
import { concurrencyLimits } from '../core/concurrency.js';
import { dataDirectory, retentionDays } from '../core/dataDirectory.js';
import type { ConversionResult } from '../core/localConverter.js';
import { Scheduler } from '../core/scheduler.js';
import { DAY_MS } from '../core/telemetry/stats.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import { createNativeEngine, systemClock, type NativeEngine } from '../../native/createNativeEngine.js';

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
