import { availableParallelism, totalmem } from 'node:os';
import { DesktopService, type DesktopEvents } from '../core/app/desktopService.js';
import { durableQueue } from '../core/app/durableQueue.js';
import { SettingsStore } from '../core/app/settingsStore.js';
import { concurrencyLimits, type Hardware } from '../core/concurrency.js';
import type { ConversionResult } from '../core/localConverter.js';
import { JobLauncher } from '../core/queue/jobLauncher.js';
import { Scheduler } from '../core/scheduler.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import { createNativeEngine, systemClock, type NativeEngine } from '../../native/createNativeEngine.js';

export interface DesktopRuntime {
  service: DesktopService;
  settings: SettingsStore;
  stores: DataStores;
  engine: NativeEngine;
  scheduler: Scheduler<ConversionResult>;
  hardware: Hardware;
  close(): Promise<void>;
}

/** Everything behind the window, wired once for the Electron shell and the web host alike. */
export function createDesktopRuntime(dataDirectory: string, events: DesktopEvents): DesktopRuntime {
  const stores = createDataStores(dataDirectory);
  const settings = new SettingsStore(dataDirectory);
  const engine = createNativeEngine();
  const hardware = { cores: availableParallelism(), totalMemoryBytes: totalmem() };
  const limits = concurrencyLimits(hardware);
  const scheduler = new Scheduler<ConversionResult>({ perLane: settings.get().concurrency ?? limits.perLane, total: limits.total }, systemClock);
  stores.queue.recover();
  const launcher = new JobLauncher({ store: stores.queueStore, converter: engine.converter, scheduler, pid: process.pid, wallClock: Date.now });
  const service = new DesktopService({ queue: durableQueue(stores.queue, stores.queueStore, launcher), scheduler, telemetry: stores.telemetry, settings, now: Date.now, events });
  return {
    service, settings, stores, engine, scheduler, hardware,
    close: async () => {
      await service.persistForQuit();
      await engine.close();
      stores.close();
    },
  };
}
