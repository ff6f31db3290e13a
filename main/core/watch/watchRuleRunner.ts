import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobReport } from '../jobs/jobReport.js';
import { toAppError } from '../errors.js';
import type { Clock } from '../engine/ports.js';
import { outputBaseName, temporaryOutputPath } from '../engine/run/outputFiles.js';
import { randomHex } from '../engine/run/randomNames.js';
import type { JobLauncher, JobLauncherDeps, LaunchedJob } from '../queue/jobLauncher.js';
import type { PersistentQueue } from '../queue/persistentQueue.js';
import { ruleBatchKey } from '../queue/ports.js';
import { contentHashOf } from './contentHash.js';
import { createFileFilter } from './fileFilter.js';
import { isSameFolder, isSameOrInside } from './folderRelations.js';
import { moveWithoutOverwrite } from './moveSource.js';
import type { FolderWatcher, RuleJobSighting, RuleJobStore } from './ports.js';
import { scanFolder } from './scanFolder.js';
import { sampleFile, StabilityMonitor, type StabilityMonitorOptions, type StableFile } from './stabilityMonitor.js';
import { doneFolderFor, excludedFolders, outputFolderFor, type WatchRule } from './watchRule.js';

export type SkipReason = 'already-converted' | 'failed-before' | 'in-progress' | 'own-output';

export type WatchEvent =
  | { type: 'recovered'; completed: number; released: number; partialFilesRemoved: number }
  | { type: 'watching'; rule: WatchRule; catchUp: number; known: number }
  | { type: 'queued'; path: string }
  | { type: 'skipped'; path: string; reason: SkipReason }
  | { type: 'finished'; report: JobReport; movedTo: string | null }
  | { type: 'problem'; path: string | null; message: string }
  /** A hosted rule that waits while offline left this file for later: it is looked at again after NETWORK_RETRY_MS. */
  | { type: 'waiting'; path: string };

export interface WatchRunnerDeps extends Pick<JobLauncherDeps, 'files' | 'owner' | 'leaseExpiry' | 'scratchRoot'> {
  rule: WatchRule;
  jobs: RuleJobStore;
  queue: Pick<PersistentQueue, 'recover'>;
  /** The one launcher: routes each job when a slot could take it (a hosted rule's within the hosted plan's ceilings). */
  launcher: Pick<JobLauncher, 'admit' | 'wake'>;
  watcher: FolderWatcher;
  clock: Clock;
  stability: StabilityMonitorOptions;
  cohort: string | null;
  onEvent: (event: WatchEvent) => void;
  /** Checks the API a rule's jobs may go to (cached); true while this rule must not start a conversion: hosted, set to wait while offline, and the API unreachable. */
  mustWaitForNetwork?: () => Promise<boolean>;
  networkRetryMs?: number;
}

export const NETWORK_RETRY_MS = 30_000;

export const DEFAULT_STABILITY: StabilityMonitorOptions = { stableForMs: 1500, pollMs: 250, emptyFileFactor: 4 };

/**
 * Feeds one rule's files to the one job lifecycle: after recovering the rule's batch, watching and catching up on
 * its folder, each stable file's distinct content becomes once a job of that batch, which the launcher routes (as
 * the rule says), runs and records. After a job commits, the source moves to the done folder.
 */
export class WatchRuleRunner {
  readonly rule: WatchRule;
  private readonly accepts: (file: string) => boolean;
  private readonly monitor: StabilityMonitor;
  /** The rule's jobs routed and not ended yet. */
  private readonly launched = new Map<number, LaunchedJob>();
  private closeWatch: (() => Promise<void>) | undefined;
  private admissions: Promise<void> = Promise.resolve();
  private readonly work = new Set<Promise<unknown>>();
  private readonly networkWaits = new AbortController();
  private stopping = false;

  constructor(private readonly deps: WatchRunnerDeps) {
    const rule = (this.rule = deps.rule);
    const filter = createFileFilter(rule);
    const skip = excludedFolders(rule);
    this.accepts = (file) =>
      filter(file) && (rule.recursive || isSameFolder(path.dirname(file), rule.inputDir)) && !skip.some((dir) => isSameOrInside(file, dir));
    // Admissions run one at a time: hashing is disk-bound and the "already converted" checks must not race.
    this.monitor = new StabilityMonitor(deps.stability, deps.clock, (file) => {
      this.admissions = this.admissions
        .then(() => (this.stopping ? undefined : this.admit(file)))
        .catch((error: unknown) => this.deps.onEvent({ type: 'problem', path: file.path, message: toAppError(error).message }));
      this.track(this.admissions);
    });
  }

  /** Nothing is waiting to settle, being admitted, converting or being moved. */
  get idle(): boolean {
    return this.monitor.pending.size === 0 && this.work.size === 0;
  }

  async start(): Promise<void> {
    const { rule, watcher, jobs } = this.deps;
    // After a crash: what dead owners left of the rule's batch is completed or put back (jobs/jobModel.ts); put back, it is looked at again as new.
    const { completed, partialFilesRemoved } = this.deps.queue.recover(ruleBatchKey(rule.id));
    const released = jobs.forgetReleased(rule.id);
    if (completed + released > 0) this.deps.onEvent({ type: 'recovered', completed, released, partialFilesRemoved });
    this.closeWatch = await watcher.watch({
      root: rule.inputDir, recursive: rule.recursive, ignoreFolders: excludedFolders(rule),
      onFile: (file) => this.consider(file), onError: (error) => this.deps.onEvent({ type: 'problem', path: null, message: error.message }),
    });
    const existing = (await scanFolder(rule.inputDir, rule.recursive, excludedFolders(rule))).filter(this.accepts);
    let known = 0;
    for (const file of existing) {
      // A file still where it was, unchanged since it was handled, needs neither a stability wait nor a line of its own.
      const sample = await sampleFile(file);
      const job = sample && jobs.findBySighting(rule.id, file, sample.size, sample.mtimeMs);
      if (job && job.state !== 'unfinished') known++;
      else this.consider(file);
      if (job?.state === 'done') this.track(this.moveSource(file));
    }
    this.deps.onEvent({ type: 'watching', rule, catchUp: existing.length - known, known });
  }

  /** Stops watching, cancels conversions not yet finished (their files are looked at again at the next start) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.networkWaits.abort();
    this.monitor.stop();
    await this.closeWatch?.();
    this.deps.launcher.wake();
    for (const job of this.launched.values()) job.scheduler.cancel(job.id);
    while (this.work.size > 0) await Promise.all(this.work);
    this.deps.jobs.forgetReleased(this.rule.id);
  }

  /** Tries failed files again (one path, or all of the rule's failures); returns how many. */
  retry(file?: string): number {
    const paths = this.deps.jobs.forgetFailures(this.rule.id, file === undefined ? undefined : path.resolve(file));
    for (const failed of paths) this.consider(failed);
    return paths.length;
  }

  private consider(file: string): void {
    if (!this.stopping && this.accepts(file)) this.monitor.announce(file);
  }

  private async admit(file: StableFile): Promise<void> {
    const { jobs, rule, owner } = this.deps;
    if (jobs.isOwnOutput(rule.id, file.path)) return this.skip(file.path, 'own-output');
    const seen = jobs.findBySighting(rule.id, file.path, file.size, file.mtimeMs);
    if (seen) return this.known(seen, file.path);
    const hash = await contentHashOf(file.path).catch(() => undefined);
    const after = await sampleFile(file.path);
    if (!hash || !after || after.size !== file.size || after.mtimeMs !== file.mtimeMs) {
      if (after) this.consider(file.path);
      return;
    }
    const same = jobs.findByHash(rule.id, hash);
    if (same) {
      if (same.state !== 'unfinished') jobs.noteSighting(same.id, file.path, file.size, file.mtimeMs);
      return this.known(same, file.path);
    }
    if (await this.deps.mustWaitForNetwork?.()) return this.waitForNetwork(file.path);
    const outputDir = outputFolderFor(rule, file.path);
    const scratchDir = path.join(this.deps.scratchRoot, `rule-${rule.id}-${randomHex(6)}`);
    const tempPath = temporaryOutputPath(outputDir, outputBaseName(file.path));
    const job = jobs.add(rule.id, { ...file, hash }, { target: rule.target, outputDir, options: rule.options, cohort: this.deps.cohort },
      { ownerPid: owner.pid, leaseExpiresAt: this.deps.leaseExpiry(), scratchDir, tempPath });
    if (!job) return this.skip(file.path, 'in-progress');
    this.deps.onEvent({ type: 'queued', path: job.inputPath });
    // A stopped rule's jobs go back to the queue; their files are looked at again at its next start.
    this.track(new Promise<void>((ended) => this.deps.launcher.admit([{ job, scratchDir, tempPath }], () => ({
      stopped: () => this.stopping, requeueOnCancel: () => true,
      onStarted: (launched) => {
        this.launched.set(job.id, launched);
        if (this.stopping) launched.scheduler.cancel(launched.id);
      },
      onEnd: (report) => {
        this.launched.delete(job.id);
        // The after-commit step of a rule: a converted source moves to the done folder.
        const moved = report.status === 'succeeded' ? this.moveSource(report.input) : Promise.resolve(null);
        this.track(moved.then((movedTo) => this.deps.onEvent({ type: 'finished', report, movedTo })));
        ended();
      },
    }))));
  }

  private known(job: RuleJobSighting, file: string): void {
    this.skip(file, job.state === 'done' ? 'already-converted' : job.state === 'failed' ? 'failed-before' : 'in-progress');
    if (job.state === 'done') this.track(this.moveSource(file));
  }

  /** Nothing is claimed or recorded: the file is simply looked at again later, as if it had just arrived. */
  private waitForNetwork(file: string): void {
    this.deps.onEvent({ type: 'waiting', path: file });
    sleep(this.deps.networkRetryMs ?? NETWORK_RETRY_MS, undefined, { signal: this.networkWaits.signal, ref: false })
      .then(() => this.consider(file), () => undefined);
  }

  private skip(file: string, reason: SkipReason): void {
    this.deps.onEvent({ type: 'skipped', path: file, reason });
  }

  private track(work: Promise<unknown>): void {
    this.work.add(work);
    void work.finally(() => this.work.delete(work));
  }

  /** Null when the rule keeps its sources, or the source is gone. */
  private async moveSource(file: string): Promise<string | null> {
    const folder = doneFolderFor(this.rule, file);
    if (!folder || !this.deps.files.exists(file)) return null;
    return moveWithoutOverwrite(file, folder).catch((error: unknown) => {
      this.deps.onEvent({ type: 'problem', path: file, message: `Converted, but the source could not be moved: ${toAppError(error).message}` });
      return null;
    });
  }
}
