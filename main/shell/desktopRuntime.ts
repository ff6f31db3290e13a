import { availableParallelism, totalmem } from 'node:os';
import { DesktopService, type DesktopEvents } from '../core/app/desktopService.js';
import { durableQueue } from '../core/app/durableQueue.js';
import { SettingsStore } from '../core/app/settingsStore.js';
import { concurrencyLimits, type Hardware } from '../core/concurrency.js';
import type { ConversionResult } from '../core/localConverter.js';
import { DesktopRouter, createTokenVault } from './hostedRouting.js';
import type { TokenVault } from '../core/hosted/tokenVault.js';
import { Scheduler } from '../core/scheduler.js';
import { DEFAULT_STABILITY, WatchRuleRunner } from '../core/watch/watchRuleRunner.js';
import { WatchService } from '../core/watch/watchService.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import type { OpenDatabaseOptions } from '../../native/sqlite/openDatabase.js';
import { nodeRecoveryFileSystem } from '../../native/queueFileSystem.js';
import { SqliteWatchRuleStore } from '../../native/sqlite/sqliteWatchRuleStore.js';
import { ChokidarFolderWatcher } from '../../native/watch/chokidarFolderWatcher.js';
import { createNativeEngine, systemClock, type NativeEngine } from '../../native/createNativeEngine.js';

export interface DesktopRuntime {
  service: DesktopService;
  /** The batch-folder rules: enabled ones run while the app does. */
  watch: WatchService;
  /** Local or hosted per job, from the settings; holds the hosted token. */
  router: DesktopRouter;
  vault: TokenVault;
  settings: SettingsStore;
  stores: DataStores;
  engine: NativeEngine;
  scheduler: Scheduler<ConversionResult>;
  hardware: Hardware;
  close(): Promise<void>;
}

/** Everything behind the window, wired once for the Electron shell and the web host alike. */
export interface RuntimeEvents extends DesktopEvents {
  /** A batch-folder rule converted, failed or changed state. */
  foldersChanged?: () => void;
}

export function createDesktopRuntime(dataDirectory: string, events: RuntimeEvents, database: OpenDatabaseOptions = {}): DesktopRuntime {
  const stores = createDataStores(dataDirectory, database);
  const settings = new SettingsStore(dataDirectory);
  const engine = createNativeEngine();
  const hardware = { cores: availableParallelism(), totalMemoryBytes: totalmem() };
  const limits = concurrencyLimits(hardware);
  const scheduler = new Scheduler<ConversionResult>({ perLane: settings.get().concurrency ?? limits.perLane, total: limits.total }, systemClock);
  stores.queue.recover();
  stores.lease.start();
  const vault = createTokenVault();
  const router = new DesktopRouter({ local: engine, localScheduler: scheduler, vault, preference: () => ({ mode: settings.get().mode, apiUrl: new URL(settings.get().apiUrl) }) });
  const launcher = stores.queue.launcher(router.route);
  const service = new DesktopService({ queue: durableQueue(stores.queue, stores.queueStore, launcher), schedulers: [scheduler, router.hostedScheduler], telemetry: stores.telemetry, settings, now: Date.now, events });
  const ledger = stores.ledger;
  const watch = new WatchService({
    rules: new SqliteWatchRuleStore(stores.db),
    ledger,
    createRunner: (rule) =>
      new WatchRuleRunner({
        rule, ledger, watcher: new ChokidarFolderWatcher(), converter: engine.converter, scheduler, files: nodeRecoveryFileSystem,
        owner: stores.owner, leaseExpiry: () => stores.lease.expiry(), scratchRoot: stores.scratchRoot, wallClock: Date.now, clock: systemClock, stability: DEFAULT_STABILITY,
        cohort: settings.get().clientCohort, onEvent: () => events.foldersChanged?.(),
      }),
  });
  return {
    service, watch, router, vault, settings, stores, engine, scheduler, hardware,
    close: async () => {
      await watch.stopAll();
      await service.persistForQuit();
      await router.close();
      await engine.close();
      stores.close();
    },
  };
}
