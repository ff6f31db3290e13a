import { createHash } from 'node:crypto';
import path from 'node:path';
import { guessPair, type JobReport } from '../jobs/jobReport.js';
import type { OutputFormat } from '../formats.js';
import { isDefaultOptions, normalizeOptions, optionsIdentity, type ConversionOptions } from '../engine/plan/conversionOptions.js';
import { heldByAnotherOwner, isUnfinished, recoverInterruptedJob } from '../jobs/jobModel.js';
import { JobLauncher, telemetryRecord, type JobLauncherDeps } from './jobLauncher.js';
import type { BatchOrigin, LateRouter, NewJob, QueuedJob, StoredBatch } from './ports.js';

/** An input of a batch; `subfolder` mirrors where it was found under a folder given as input. */
export type BatchInput = string | { path: string; subfolder: string };

/** What the first claim of `run` found: how many jobs this process took, and who holds the others. */
export interface FirstClaim {
  claimedHere: number;
  /** A live process that holds some of the batch's unfinished jobs. */
  otherOwner: number | undefined;
  left: number;
}

export interface BatchSpec {
  inputs: readonly BatchInput[];
  target: OutputFormat;
  outputDir: string | null;
  cohort: string | null;
  origin: BatchOrigin;
  /** The same for every file of the batch; the defaults when absent. */
  options?: ConversionOptions;
  /** The key of the request these inputs are part of (the inputs less those already converted), when it differs. */
  batchKey?: string;
}

export interface RecoveryReport {
  requeued: number;
  completed: number;
  partialFilesRemoved: number;
}

export interface PersistentQueueDeps extends Omit<JobLauncherDeps, 'route'> {
  /** How often a process waiting for another owner's batch looks again. */
  pollMs?: number;
}

/** A batch with work left that no live process owns (a rule's batch is resumed by its rule, never listed). */
export interface InterruptedBatch extends Omit<StoredBatch, 'origin' | 'ruleId'> {
  origin: 'cli' | 'window';
  target: OutputFormat;
  total: number;
  left: number;
  /** The inputs still to convert. */
  files: string[];
}

export interface DiscardReport {
  batches: number;
  /** Jobs that will not run (recorded as cancelled). */
  discarded: number;
  /** Outputs already renamed into place before the interruption, kept (their jobs completed). */
  kept: number;
  partialFilesRemoved: number;
}

function inputPathOf(input: BatchInput): string {
  return path.resolve(typeof input === 'string' ? input : input.path);
}

/** The output folder a job records (null: beside the input): the batch's, plus the sub-folder its input was found in. */
export function outputDirOf(input: BatchInput, outputDir: string | null): string | null {
  return outputDir ? path.resolve(outputDir, typeof input === 'string' ? '' : input.subfolder) : null;
}

/** The same inputs, target, folder and options make the same batch: running it again resumes it instead of converting twice. */
export function batchKeyOf(spec: Pick<BatchSpec, 'inputs' | 'target' | 'outputDir' | 'options'>, windowOf?: number): string {
  const inputs = spec.inputs.map((i) => `${inputPathOf(i)}\0${outputDirOf(i, spec.outputDir) ?? ''}`).sort();
  const options = normalizeOptions(spec.options);
  // Default options leave the key as it was before options existed (an interrupted batch of then still resumes).
  const chosen = isDefaultOptions(options) ? {} : { options: `${optionsIdentity(options)}|${options.onConflict}${options.nameTemplate === undefined ? '' : `|${options.nameTemplate}`}` };
  const canonical = JSON.stringify({ inputs, target: spec.target, outputDir: spec.outputDir ? path.resolve(spec.outputDir) : null, ...chosen, ...(windowOf === undefined ? {} : { windowOf }) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Finished batches are kept a little while so that a process waiting on another's batch can read its reports. */
const FINISHED_BATCH_KEPT_MS = 10 * 60_000;

/**
 * Runs batches from a durable queue. Each job has one owner (an atomic claim and a renewed lease); its
 * temporary file, final name and scratch folder are written down before they exist, so that after a crash
 * recovery can tell a finished output from a partial one (the rule lives in jobs/jobModel.ts, shared with
 * batch folders).
 */
export class PersistentQueue {
  constructor(private readonly deps: PersistentQueueDeps) {}

  launcher(route: LateRouter): JobLauncher {
    return new JobLauncher({ ...this.deps, route });
  }

  /** Takes over what dead or expired owners left (of every batch, or of one): completes, or releases to run again, each of their jobs. */
  recover(batchKey?: string): RecoveryReport {
    const report: RecoveryReport = { requeued: 0, completed: 0, partialFilesRemoved: 0 };
    if (batchKey === undefined) this.deps.store.removeFinishedBatches(this.deps.wallClock() - FINISHED_BATCH_KEPT_MS);
    const left = this.deps.store.unfinished().filter((job) => batchKey === undefined || job.batchKey === batchKey);
    for (const job of left) this.takeOver(job, report);
    return report;
  }

  /** One job of a dead or expired owner: claimed (one process wins), then completed or released to run again; counted in `report`. */
  private takeOver(job: QueuedJob, report: RecoveryReport = { requeued: 0, completed: 0, partialFilesRemoved: 0 }): void {
    const { store, files, owner } = this.deps;
    if ((job.state === 'queued' && job.ownerPid === null) || heldByAnotherOwner(job, owner)) return;
    if (!store.claim(job, owner.pid, this.deps.leaseExpiry(), null)) return;
    const outcome = recoverInterruptedJob(job, files);
    if (outcome.kind === 'completed') {
      store.finish(job.id, owner.pid, outcome.report, telemetryRecord(outcome.report, job.cohort, this.deps.wallClock(), { inputBytes: null, outputBytes: null }), null);
      report.completed++;
      return;
    }
    store.requeue(job.id, owner.pid);
    if (outcome.partialFileRemoved) report.partialFilesRemoved++;
    // A claimed job that had begun writing the temporary file recorded with its claim is still `queued`.
    if (job.state !== 'queued' || outcome.partialFileRemoved) report.requeued++;
  }

  /**
   * Keys of batches with work left that no live process owns, oldest first; only those of `origin` when given.
   * Rules' batches only when asked for: a rule resumes its own.
   */
  pendingBatches(origin?: BatchOrigin): string[] {
    const free = this.deps.store.unfinished().filter((j) => !heldByAnotherOwner(j, this.deps.owner) && (origin ? j.origin === origin : j.origin !== 'rule'));
    return [...new Set(free.map((j) => j.batchKey))];
  }

  /** Interrupted batches the window did not start (it lists them with a Resume action, never runs them by itself). */
  interruptedBatches(origin: 'cli' | 'window'): InterruptedBatch[] {
    return this.pendingBatches(origin).flatMap((key) => {
      const info = this.deps.store.batchInfo(key);
      const jobs = this.deps.store.batch(key);
      if (!info || jobs.length === 0) return [];
      const left = jobs.filter((j) => isUnfinished(j.state));
      return [{ batchKey: info.batchKey, origin, stoppedByUser: info.stoppedByUser, createdAt: info.createdAt, target: jobs[0]!.target, total: jobs.length, left: left.length, files: left.map((j) => j.inputPath) }];
    });
  }

  /**
   * Gives up an interrupted batch so that nothing resumes it: each of its jobs no live process owns is claimed,
   * its partial output and scratch folder removed, and it ends cancelled; an output already renamed into place
   * is kept (its job completes). Not counted in the stats.
   */
  discard(batchKey: string): DiscardReport {
    const { store, files, owner } = this.deps;
    const pending = this.pendingBatches().includes(batchKey);
    const report: DiscardReport = { batches: pending ? 1 : 0, discarded: 0, kept: 0, partialFilesRemoved: 0 };
    for (const job of pending ? store.batch(batchKey) : []) {
      if (!isUnfinished(job.state) || heldByAnotherOwner(job, owner)) continue;
      if (!store.claim(job, owner.pid, this.deps.leaseExpiry(), null)) continue;
      const outcome = recoverInterruptedJob(job, files);
      if (outcome.kind === 'completed') {
        store.finish(job.id, owner.pid, outcome.report, null, null);
        report.kept++;
        continue;
      }
      if (outcome.partialFileRemoved) report.partialFilesRemoved++;
      const discarded: JobReport = {
        input: job.inputPath, output: null, status: 'cancelled', pair: guessPair(job.inputPath, job.target), mode: 'local',
        runtimeMs: 0, billableMinutes: 0, error: { code: 'CANCELLED', message: 'Discarded: this interrupted batch will not be resumed.' }, notes: [],
      };
      store.finish(job.id, owner.pid, discarded, null, null);
      report.discarded++;
    }
    if (pending) store.setStoppedByUser(batchKey, false);
    return report;
  }

  /** Adds the batch, or returns the unfinished one with the same key so that it is resumed (or joined). */
  submit(spec: BatchSpec): { batchKey: string; resumed: boolean; jobs: QueuedJob[] } {
    // A window's drop is its own batch (two windows, or a window and the command line, never join one another's
    // batch and lose its files); the units of work keep each file converted once between them.
    const batchKey = spec.batchKey ?? (spec.origin === 'window' ? batchKeyOf(spec, this.deps.owner.pid) : batchKeyOf(spec));
    const options = normalizeOptions(spec.options);
    const jobs: NewJob[] = spec.inputs.map((input) => ({ inputPath: inputPathOf(input), target: spec.target, outputDir: outputDirOf(input, spec.outputDir), cohort: spec.cohort, options }));
    // A batch with unfinished jobs is kept as it is (not created again), and resumed.
    const added = this.deps.store.addBatch(batchKey, spec.origin, jobs);
    if (!added.created) this.deps.store.setStoppedByUser(batchKey, false);
    return { batchKey, resumed: !added.created, jobs: added.jobs };
  }

  /**
   * Runs the queued jobs of a batch that no live process owns, each where `route` says when a slot could take
   * it (the jobs wait for their route in the launcher, in order); a cancelled job stays queued. Jobs another live
   * process owns are waited for (and taken over if it dies); `onReport` hears every job that ends meanwhile, ours
   * and theirs. Resolves with the reports of every finished job in the batch, earlier runs included.
   */
  async run(
    batchKey: string,
    route: LateRouter,
    onReport: (report: JobReport, ranHere: boolean) => void,
    stopped: () => boolean = () => false,
    onFirstClaim?: (outcome: FirstClaim) => void,
  ): Promise<JobReport[]> {
    const { store } = this.deps;
    const launcher = this.launcher(route);
    const ours = new Set<number>();
    let jobs = store.batch(batchKey);
    const seen = new Set(jobs.filter((j) => !isUnfinished(j.state)).map((j) => j.id));
    const othersLeft = (j: QueuedJob) => isUnfinished(j.state) && !ours.has(j.id);
    for (;;) {
      const queued = stopped() ? [] : jobs.filter((j) => j.state === 'queued' && !ours.has(j.id));
      const claims = launcher.claimAll(queued).filter((claim) => claim !== undefined);
      for (const { job } of claims) ours.add(job.id);
      launcher.admit(claims, () => ({ stopped, requeueOnCancel: () => true, onEnd: (report) => onReport(report, true) }));
      // Read again only when some job is someone else's: a batch this process claimed whole needs no second read.
      const waitingFor = jobs.some(othersLeft) ? store.batch(batchKey).filter(othersLeft) : [];
      onFirstClaim?.({ claimedHere: ours.size, otherOwner: waitingFor.find((j) => heldByAnotherOwner(j, this.deps.owner))?.ownerPid ?? undefined, left: ours.size + waitingFor.length });
      onFirstClaim = undefined;
      if (waitingFor.length === 0 || stopped()) break;
      await new Promise((resolve) => setTimeout(resolve, this.deps.pollMs ?? 250));
      for (const job of store.batch(batchKey)) {
        if (!ours.has(job.id) && !seen.has(job.id) && !isUnfinished(job.state) && job.report) {
          seen.add(job.id);
          onReport(job.report, false);
        }
      }
      for (const job of waitingFor) if (job.state !== 'queued') this.takeOver(job);
      jobs = store.batch(batchKey);
    }
    await launcher.whenIdle();
    return store.batch(batchKey).map((j) => j.report).filter((r): r is JobReport => r !== null);
  }
}
