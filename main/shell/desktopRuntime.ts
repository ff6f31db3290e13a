import { availableParallelism, totalmem } from 'node:os';
import { DesktopService, type DesktopEvents } from '../core/app/desktopService.js';
import { durableQueue } from '../core/app/durableQueue.js';
import { SettingsStore } from '../core/app/settingsStore.js';
import { ReviewListStore } from '../core/app/reviewList.js';
import { concurrencyLimits, type Hardware } from '../core/scheduling/concurrency.js';
import { memoryBudget, memoryBudgetOverride } from '../core/scheduling/memoryEstimate.js';
import { AppError } from '../core/errors.js';
import type { HostedAccess } from '../core/hosted/hostedAccess.js';
import { policyFromRecord, routingRecord, type JobRouter, type RoutingPolicy } from '../core/hosted/jobRouter.js';
import type { ConversionResult } from '../core/engine/run/localConverter.js';
import { createRouterWiring } from './hostedRouting.js';
import type { TokenVault } from '../core/hosted/tokenVault.js';
import { Scheduler } from '../core/scheduling/scheduler.js';
import { JobIds } from '../core/jobs/jobIds.js';
import { DEFAULT_STABILITY, WatchRuleRunner } from '../core/watch/watchRuleRunner.js';
import { WatchService } from '../core/watch/watchService.js';
import type { WatchRule } from '../core/watch/watchRule.js';
import { createDataStores, type DataStores } from '../../native/createDataStores.js';
import type { OpenDatabaseOptions } from '../../native/sqlite/openDatabase.js';
import { nodeRecoveryFileSystem } from '../../native/queueFileSystem.js';
import { SqliteWatchRuleStore } from '../../native/sqlite/sqliteWatchRuleStore.js';
import { ChokidarFolderWatcher } from '../../native/watch/chokidarFolderWatcher.js';
import { systemClock, tryCreateNativeEngine, type NativeEngine } from '../../native/createNativeEngine.js';
import { FileThumbnailMaker } from '../../native/thumbnails/fileThumbnailMaker.js';
import { FfprobeProber } from '../../native/ffmpeg/ffprobeProber.js';

export interface DesktopRuntime {
  service: DesktopService;
  /** The batch-folder rules: enabled ones run while the app does. */
  watch: WatchService;
  /** The one router (local, hosted, auto, hybrid per job), from the settings. */
  router: JobRouter;
  /** The hosted token and client label, from the keychain. */
  access: HostedAccess;
  vault: TokenVault;
  settings: SettingsStore;
  /** The window's review list (files waiting for Start), kept in the data folder. */
  reviewList: ReviewListStore;
  stores: DataStores;
  /** The local engine, or why this machine cannot convert locally (ffmpeg missing): hosted and auto still work. */
  engine: NativeEngine | AppError;
  /** Which ffmpeg is in use, or what is missing. */
  ffmpeg: string;
  scheduler: Scheduler<ConversionResult>;
  /** Where hosted jobs run, within the hosted plan's ceilings, whatever their origin. */
  hostedScheduler: Scheduler<ConversionResult>;
  hardware: Hardware;
  /** The routing the settings ask for now. */
  policy(): RoutingPolicy;
  /**
   * Loads the token and label from the keychain (once, and again after the API URL changes) and checks the
   * API's reachability (cached); call before launching jobs. Resolves with a keychain problem, if any.
   */
  prepare(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Everything behind the window, wired once for the Electron shell and the web host alike. */
export interface RuntimeEvents extends DesktopEvents {
  /** A batch-folder rule converted, failed or changed state. */
  foldersChanged?: () => void;
}

export function createDesktopRuntime(dataDirectory: string, events: RuntimeEvents, database: OpenDatabaseOptions = {}, options: { vault?: TokenVault } = {}): DesktopRuntime {
  const stores = createDataStores(dataDirectory, database);
  const settings = new SettingsStore(dataDirectory);
  const engine = tryCreateNativeEngine();
  const hardware = { cores: availableParallelism(), totalMemoryBytes: totalmem() };
  const limits = concurrencyLimits(hardware);
  const lanes = () => settings.get().concurrency ?? limits.perLane;
  // One id space for every job the window and the history show, reserved on the data folder across restarts.
  const ids = new JobIds(stores.jobIds);
  const scheduler = new Scheduler<ConversionResult>({ perLane: lanes(), total: limits.total, share: limits.share, ceiling: limits.ceiling, memoryBudget: memoryBudget(hardware.totalMemoryBytes, memoryBudgetOverride(process.env)) }, systemClock, ids);
  stores.queue.recover();
  stores.lease.start();
  const wiring = createRouterWiring({ local: engine, localScheduler: scheduler, ids, localSlots: lanes, stores, env: process.env, ...(options.vault ? { vault: options.vault } : {}) });
  const { router, access, vault } = wiring;
  const policy = (): RoutingPolicy => {
    const current = settings.get();
    return { mode: current.mode, apiUrl: new URL(current.apiUrl), neverUpload: false, budgetUsd: current.hybridBudgetUsd, stripPhotoMetadata: current.stripPhotoLocation };
  };
  // A batch keeps the routing it started with: an interrupted one (a quit, a crash, or a command-line batch the
  // window resumes) goes on local, hosted, auto or hybrid as it was; a batch started now follows the settings.
  const batchPolicy = (batchKey: string): RoutingPolicy => {
    const stored = stores.hosted.routing(batchKey);
    const batch = stores.queueStore.batchInfo(batchKey);
    if (stored && batch && stored.savedAt !== undefined && stored.savedAt >= batch.createdAt) {
      try {
        return policyFromRecord(stored);
      } catch {
        // An API URL that is no longer acceptable: route by the settings instead.
      }
    }
    const current = policy();
    stores.hosted.saveRouting(batchKey, routingRecord(current), Date.now());
    return current;
  };
  const rules = new SqliteWatchRuleStore(stores.db);
  // A batch-folder rule's routing: its own mode and "never upload", the API URL and budget from the settings.
  const rulePolicy = (rule: WatchRule): RoutingPolicy => ({ ...policy(), mode: rule.mode, neverUpload: rule.neverUpload, whenOffline: rule.whenOffline });
  // The one launcher and the one routing call for every origin; a rule's jobs are routed as its rule says.
  const launcher = stores.queue.launcher((job, moment) => {
    const ruleId = stores.queueStore.batchInfo(job.batchKey)?.ruleId;
    const rule = ruleId === undefined ? undefined : rules.get(ruleId);
    return router.route(job, rule ? rulePolicy(rule) : batchPolicy(job.batchKey), moment);
  });
  const service = new DesktopService({ queue: durableQueue(stores.queue, stores.queueStore, launcher), schedulers: [scheduler, wiring.hostedScheduler], ids, telemetry: stores.telemetry, settings, now: Date.now, presets: stores.presets,
    // Each row's update carries its route (hybrid): why it runs where it does, with its predicted and actual cost.
    events: { ...events, jobUpdated: (view) => events.jobUpdated({ ...view, route: router.routeView(view.input, view.status === 'succeeded' || view.status === 'failed') }) },
    history: stores.history,
    thumbnails: new FileThumbnailMaker({ cacheDirectory: stores.thumbnailCache, ffmpeg: engine instanceof AppError ? null : engine.tools.ffmpeg.path }),
    ...(engine instanceof AppError ? {} : { prober: new FfprobeProber(engine.tools.ffprobe.path) }),
  });
  const watch = new WatchService({
    rules,
    jobs: stores.ruleJobs,
    createRunner: (rule) =>
      new WatchRuleRunner({
        rule, jobs: stores.ruleJobs, queue: stores.queue, launcher, watcher: new ChokidarFolderWatcher(), files: nodeRecoveryFileSystem,
        mustWaitForNetwork: () => router.mustWaitForNetwork(rulePolicy(rule)),
        owner: stores.owner, leaseExpiry: () => stores.lease.expiry(), scratchRoot: stores.scratchRoot, clock: systemClock, stability: DEFAULT_STABILITY,
        cohort: settings.get().clientCohort, onEvent: () => events.foldersChanged?.(),
      }),
  });
  let credentialsFor: string | undefined;
  return {
    service, watch, router, access, vault, settings, stores, engine, scheduler, hostedScheduler: wiring.hostedScheduler, hardware, policy, reviewList: new ReviewListStore(dataDirectory),
    ffmpeg: engine instanceof AppError ? `missing (${engine.message})` : engine.tools.ffmpeg.path,
    prepare: async () => {
      const current = policy();
      let problem: string | undefined;
      if (current.apiUrl && credentialsFor !== current.apiUrl.href) {
        credentialsFor = current.apiUrl.href;
        problem = await access.load(current.apiUrl);
      }
      await router.prepare(current);
      return problem;
    },
    close: async () => {
      await watch.stopAll();
      await service.persistForQuit();
      if (!(engine instanceof AppError)) await engine.close();
      stores.close();
    },
  };
}
