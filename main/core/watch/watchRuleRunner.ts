import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { reportFor, succeededReport, type JobReport } from '../jobs/jobReport.js';
import { toAppError } from '../errors.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { JobRoute, RoutableJob } from '../queue/ports.js';
import type { Clock } from '../engine/ports.js';
import { telemetryRecord } from '../queue/persistentQueue.js';
import { JobControl, runInJob } from '../jobs/jobContext.js';
import { heldByAnotherOwner, recoverInterruptedJob, type OwnerProbe, type RecoveryFileSystem } from '../jobs/jobModel.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { JobSnapshot } from '../jobs/jobState.js';
import { contentHashOf } from './contentHash.js';
import { createFileFilter } from './fileFilter.js';
import { isSameFolder, isSameOrInside } from './folderRelations.js';
import { moveWithoutOverwrite } from './moveSource.js';
import type { FolderWatch, FolderWatcher, LedgerEntry, WatchLedger } from './ports.js';
import { scanFolder } from './scanFolder.js';
import { laneRequestFor } from '../scheduling/jobMemory.js';
import { convertingOnce, type UnitStore } from '../jobs/unitOfWork.js';
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

export interface WatchRunnerDeps {
  rule: WatchRule;
  ledger: WatchLedger;
  watcher: FolderWatcher;
  /** The one router's call for each file (mode, converter, scheduler and lane): a hosted rule's jobs run within the hosted plan's ceilings. */
  route: (job: RoutableJob) => JobRoute | Promise<JobRoute>;
  /** Each unit of work converted once across processes (a rule's job waits for a `convert` of the same file, and the reverse). */
  units?: UnitStore;
  files: RecoveryFileSystem;
  owner: OwnerProbe;
  /** When a lease taken now runs out (a LeaseKeeper renews it while this process lives). */
  leaseExpiry: () => number;
  /** Per-job scratch folders go in here (inside the data folder). */
  scratchRoot: string;
  wallClock: () => number;
  clock: Clock;
  stability: StabilityMonitorOptions;
  cohort: string | null;
  onEvent: (event: WatchEvent) => void;
  /** True while this rule must not start a conversion: hosted, set to wait while offline, and the API unreachable. */
  mustWaitForNetwork?: () => Promise<boolean>;
  /** How long a file left for the network waits before it is looked at again. */
  networkRetryMs?: number;
}

export const NETWORK_RETRY_MS = 30_000;

export const DEFAULT_STABILITY: StabilityMonitorOptions = { stableForMs: 1500, pollMs: 250, emptyFileFactor: 4 };

/**
 * Runs one rule: recovers what a crash left, watches the folder, scans it for what arrived while it was
 * stopped, waits for each file to be stable, and converts each distinct content exactly once, through the
 * converter the router gives the rule (local, hosted, auto or hybrid, as the rule says).
 */
export class WatchRuleRunner {
  private readonly accepts: (file: string) => boolean;
  private readonly monitor: StabilityMonitor;
  /** Running jobs: the scheduler each runs on and its id there. */
  private readonly jobs = new Map<LedgerEntry, { scheduler: Scheduler<ConversionResult>; id: number }>();
  private watch: FolderWatch | undefined;
  private admissions: Promise<void> = Promise.resolve();
  private admitting = 0;
  private readonly afterwork = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly deps: WatchRunnerDeps) {
    const rule = deps.rule;
    const filter = createFileFilter(rule);
    const skip = excludedFolders(rule);
    this.accepts = (file) =>
      filter(file) && (rule.recursive || isSameFolder(path.dirname(file), rule.inputDir)) && !skip.some((dir) => isSameOrInside(file, dir));
    this.monitor = new StabilityMonitor(deps.stability, deps.clock, (file) => this.enqueueAdmission(file));
  }

  get rule(): WatchRule {
    return this.deps.rule;
  }

  /** Nothing is waiting to settle, being admitted, converting or being moved. */
  get idle(): boolean {
    return this.monitor.pendingCount === 0 && this.admitting === 0 && this.jobs.size === 0 && this.afterwork.size === 0;
  }

  async start(): Promise<void> {
    const { rule, watcher } = this.deps;
    this.recover();
    this.watch = await watcher.watch(
      { root: rule.inputDir, recursive: rule.recursive, ignoreFolders: excludedFolders(rule) },
      { onFile: (file) => this.consider(file), onError: (error) => this.deps.onEvent({ type: 'problem', path: null, message: error.message }) },
    );
    const existing = (await scanFolder(rule.inputDir, rule.recursive, excludedFolders(rule))).filter(this.accepts);
    let known = 0;
    for (const file of existing) {
      if (await this.catchUpKnown(file)) known++;
      else this.consider(file);
    }
    this.deps.onEvent({ type: 'watching', rule, catchUp: existing.length - known, known });
  }

  /** A file still where it was, unchanged since it was handled, needs neither a stability wait nor a line of its own. */
  private async catchUpKnown(file: string): Promise<boolean> {
    const sample = await sampleFile(file);
    const entry = sample && this.deps.ledger.findBySighting(this.deps.rule.id, file, sample.size, sample.mtimeMs);
    if (!entry || (entry.state !== 'succeeded' && entry.state !== 'failed')) return false;
    if (entry.state === 'succeeded' && this.deps.rule.sourcePolicy.kind === 'move') this.track(this.moveSource(file).then(() => undefined));
    return true;
  }

  /** Stops watching, cancels conversions not yet finished (their claims are released for the next start) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.monitor.stop();
    await this.watch?.close();
    await this.admissions;
    for (const { scheduler, id } of this.jobs.values()) scheduler.cancel(id);
    while (this.jobs.size > 0 || this.afterwork.size > 0) await Promise.all([...[...this.jobs.values()].map((job) => job.scheduler.whenIdle()), ...this.afterwork]);
  }

  /** Tries failed files again (one path, or all of the rule's failures); returns how many. */
  retry(file?: string): number {
    const paths = this.deps.ledger.forgetFailures(this.deps.rule.id, file === undefined ? undefined : path.resolve(file));
    for (const failed of paths) this.consider(failed);
    return paths.length;
  }

  private consider(file: string): void {
    if (!this.stopping && this.accepts(file)) this.monitor.announce(file);
  }

  /** Admissions run one at a time: hashing is disk-bound and the ledger checks must not race. */
  private enqueueAdmission(file: StableFile): void {
    this.admitting++;
    this.admissions = this.admissions
      .then(() => (this.stopping ? undefined : this.admit(file)))
      .catch((error: unknown) => this.deps.onEvent({ type: 'problem', path: file.path, message: toAppError(error).message }))
      .finally(() => this.admitting--);
  }

  private async admit(file: StableFile): Promise<void> {
    const { ledger, rule } = this.deps;
    if (ledger.isOwnOutput(rule.id, file.path)) return this.skip(file.path, 'own-output');
    const seen = ledger.findBySighting(rule.id, file.path, file.size, file.mtimeMs);
    if (seen) return this.known(seen, file.path);
    const hash = await contentHashOf(file.path).catch(() => undefined);
    const after = await sampleFile(file.path);
    if (!hash || !after || after.size !== file.size || after.mtimeMs !== file.mtimeMs) {
      if (after) this.consider(file.path);
      return;
    }
    const same = ledger.findByHash(rule.id, hash);
    if (same) {
      if (same.state === 'succeeded' || same.state === 'failed') ledger.noteSighting(same.id, file.path, file.size, file.mtimeMs);
      return this.known(same, file.path);
    }
    if (await this.deps.mustWaitForNetwork?.()) return this.waitForNetwork(file.path);
    const scratchDir = path.join(this.deps.scratchRoot, `rule-${rule.id}-${randomBytes(6).toString('hex')}`);
    const entry = ledger.claim(rule.id, { path: file.path, size: file.size, mtimeMs: file.mtimeMs, hash }, { pid: this.deps.owner.pid, leaseExpiresAt: this.deps.leaseExpiry(), scratchDir });
    if (!entry) return this.skip(file.path, 'in-progress');
    await this.run(entry);
  }

  private known(entry: LedgerEntry, file: string): void {
    if (entry.state === 'succeeded') {
      this.skip(file, 'already-converted');
      if (this.deps.rule.sourcePolicy.kind === 'move') this.track(this.moveSource(file).then(() => undefined));
    } else {
      this.skip(file, entry.state === 'failed' ? 'failed-before' : 'in-progress');
    }
  }

  /** Nothing is claimed or recorded: the file is simply looked at again later, as if it had just arrived. */
  private waitForNetwork(file: string): void {
    this.deps.onEvent({ type: 'waiting', path: file });
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.consider(file);
    }, this.deps.networkRetryMs ?? NETWORK_RETRY_MS);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private skip(file: string, reason: SkipReason): void {
    this.deps.onEvent({ type: 'skipped', path: file, reason });
  }

  private async run(entry: LedgerEntry): Promise<void> {
    const { rule, ledger, units, owner, leaseExpiry } = this.deps;
    const route = await this.deps.route({ batchKey: `rule:${rule.id}`, inputPath: entry.path, target: rule.target, options: rule.options });
    const converter = units ? convertingOnce(route.converter, { units, owner, leaseExpiry, origin: `rule:${rule.id}` }) : route.converter;
    const control = new JobControl((child) => ledger.markChild(entry.id, this.deps.owner.pid, child && { pid: child.pid, command: child.command }));
    const id = route.scheduler.enqueue(laneRequestFor(route, entry.path, rule.target, rule.options), ({ signal, reportProgress }) =>
      runInJob(control, () =>
        converter.convert({ inputPath: entry.path, target: rule.target, outputDir: outputFolderFor(rule, entry.path), scratchDir: entry.scratchDir ?? undefined, options: rule.options }, signal, reportProgress, {
          onTemporary: (temporary) => ledger.markRunning(entry.id, this.deps.owner.pid, temporary),
          onCommit: (result) => ledger.markCommitting(entry.id, this.deps.owner.pid, result.outputPath, succeededReport(result, route.mode)),
        })), (snapshot) => this.onJobEnd(entry, route, snapshot));
    this.jobs.set(entry, { scheduler: route.scheduler, id });
    this.deps.onEvent({ type: 'queued', path: entry.path });
  }

  private onJobEnd(entry: LedgerEntry, route: JobRoute, snapshot: JobSnapshot<ConversionResult>): void {
    route.release?.();
    const { ledger, rule, cohort, wallClock } = this.deps;
    if (entry.scratchDir) this.deps.files.removeTree(entry.scratchDir);
    // The mode is where the job really ran: the router's, or the converter's own word (a job done elsewhere).
    const report = reportFor(entry.path, rule.target, snapshot, snapshot.result?.ranOn ?? route.mode);
    const sizes = { inputBytes: snapshot.result?.inputBytes ?? entry.size, outputBytes: snapshot.result?.outputBytes ?? null };
    if (report.status === 'cancelled') {
      ledger.release(entry.id);
    } else if (report.status === 'skipped' && report.output) {
      // The conflict policy left an existing file alone: done for this rule, not a conversion in the stats.
      ledger.succeed(entry.id, report.output, report, null);
    } else if (report.status === 'succeeded' && report.output) {
      ledger.succeed(entry.id, report.output, report, telemetryRecord(report, cohort, wallClock(), sizes));
    } else {
      ledger.fail(entry.id, report.error ?? { code: 'INTERNAL', message: 'The conversion failed.' }, telemetryRecord(report, cohort, wallClock(), sizes));
    }
    const moved = report.status === 'succeeded' && rule.sourcePolicy.kind === 'move' ? this.moveSource(entry.path) : Promise.resolve(null);
    this.track(moved.then((movedTo) => this.deps.onEvent({ type: 'finished', report, movedTo })));
    this.jobs.delete(entry);
  }

  private track(work: Promise<void>): void {
    this.afterwork.add(work);
    void work.finally(() => this.afterwork.delete(work));
  }

  private async moveSource(file: string): Promise<string | null> {
    const folder = doneFolderFor(this.deps.rule, file);
    if (!folder || !this.deps.files.exists(file)) return null;
    try {
      return await moveWithoutOverwrite(file, folder);
    } catch (error) {
      this.deps.onEvent({ type: 'problem', path: file, message: `Converted, but the source could not be moved: ${toAppError(error).message}` });
      return null;
    }
  }

  /** After a crash: finish jobs caught between rename and bookkeeping, remove partial outputs, release the rest (jobs/jobModel.ts). */
  private recover(): void {
    const { ledger, files, rule, owner, cohort, wallClock } = this.deps;
    let completed = 0;
    let released = 0;
    let partialFilesRemoved = 0;
    for (const entry of ledger.unfinished(rule.id)) {
      if (heldByAnotherOwner(entry, owner) || !ledger.takeOver(entry, owner.pid, this.deps.leaseExpiry())) continue;
      const outcome = recoverInterruptedJob(entry, files);
      if (outcome.kind === 'completed') {
        ledger.succeed(entry.id, outcome.report.output, outcome.report, telemetryRecord(outcome.report, cohort, wallClock(), { inputBytes: entry.size, outputBytes: null }));
        completed++;
        continue;
      }
      if (outcome.partialFileRemoved) partialFilesRemoved++;
      ledger.release(entry.id);
      released++;
    }
    if (completed + released > 0) this.deps.onEvent({ type: 'recovered', completed, released, partialFilesRemoved });
  }
}
