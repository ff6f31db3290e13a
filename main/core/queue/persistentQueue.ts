import { createHash } from 'node:crypto';
import path from 'node:path';
import type { JobReport } from '../batch.js';
import type { OutputFormat } from '../formats.js';
import type { ConversionResult } from '../localConverter.js';
import type { Scheduler } from '../scheduler.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import { JobLauncher } from './jobLauncher.js';
import type { JobRouter, NewJob, QueueStore, QueuedJob, RecoveryFileSystem } from './ports.js';

export interface BatchSpec {
  inputs: readonly string[];
  target: OutputFormat;
  outputDir: string | null;
  cohort: string | null;
}

export interface RecoveryReport {
  requeued: number;
  completed: number;
  partialFilesRemoved: number;
}

export interface PersistentQueueDeps {
  store: QueueStore;
  files: RecoveryFileSystem;
  pid: number;
  isProcessAlive: (pid: number) => boolean;
  wallClock: () => number;
}

/** The same inputs, target and folder make the same batch: running it again resumes it instead of converting twice. */
export function batchKeyOf(spec: Omit<BatchSpec, 'cohort'>): string {
  const canonical = JSON.stringify({ inputs: [...spec.inputs].map((i) => path.resolve(i)).sort(), target: spec.target, outputDir: spec.outputDir ? path.resolve(spec.outputDir) : null });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export function telemetryRecord(report: JobReport, cohort: string | null, finishedAt: number, sizes: { inputBytes: number | null; outputBytes: number | null }): ConversionRecord {
  return {
    finishedAt,
    pair: report.pair,
    mode: report.mode,
    status: report.status,
    errorCode: report.error?.code ?? null,
    runtimeMs: report.runtimeMs,
    inputBytes: sizes.inputBytes,
    outputBytes: sizes.outputBytes,
    billableMinutes: report.billableMinutes,
    cohort,
  };
}

/**
 * Runs batches from a durable queue. A job's temporary file and its final name are written down before
 * they exist, so that after a crash recovery can tell a finished output from a partial one: partial files
 * are removed and their jobs queued again; a job caught between its rename and its bookkeeping is
 * completed, never run a second time.
 */
export class PersistentQueue {
  constructor(private readonly deps: PersistentQueueDeps) {}

  private orphaned(job: QueuedJob): boolean {
    return job.ownerPid === null || job.ownerPid === this.deps.pid || !this.deps.isProcessAlive(job.ownerPid);
  }

  recover(): RecoveryReport {
    const report: RecoveryReport = { requeued: 0, completed: 0, partialFilesRemoved: 0 };
    const { store, files } = this.deps;
    for (const job of store.unfinished()) {
      if (job.state === 'queued' || !this.orphaned(job)) continue;
      const temp = job.tempPath;
      if (job.state === 'committing' && job.outputPath && job.report && files.exists(job.outputPath) && (!temp || !files.exists(temp) || files.sameFile(temp, job.outputPath))) {
        if (temp && files.exists(temp)) files.remove(temp);
        const done = { ...job.report, output: job.outputPath };
        store.finish(job.id, done, telemetryRecord(done, job.cohort, this.deps.wallClock(), { inputBytes: null, outputBytes: null }));
        report.completed++;
        continue;
      }
      if (temp && files.exists(temp)) {
        files.remove(temp);
        report.partialFilesRemoved++;
      }
      store.requeue(job.id);
      report.requeued++;
    }
    return report;
  }

  /** Keys of batches with work left, oldest first. */
  pendingBatches(): string[] {
    return [...new Set(this.deps.store.unfinished().filter((j) => j.state === 'queued' || this.orphaned(j)).map((j) => j.batchKey))];
  }

  /** Adds the batch, or returns the unfinished one with the same key so that it is resumed. */
  submit(spec: BatchSpec): { batchKey: string; resumed: boolean; jobs: QueuedJob[] } {
    const batchKey = batchKeyOf(spec);
    const existing = this.deps.store.batch(batchKey);
    if (existing.length > 0 && existing.some((j) => j.state !== 'done')) return { batchKey, resumed: true, jobs: existing };
    if (existing.length > 0) this.deps.store.removeBatch(batchKey);
    const jobs: NewJob[] = spec.inputs.map((input) => ({ inputPath: path.resolve(input), target: spec.target, outputDir: spec.outputDir ? path.resolve(spec.outputDir) : null, cohort: spec.cohort }));
    return { batchKey, resumed: false, jobs: this.deps.store.addBatch(batchKey, jobs) };
  }

  /**
   * Runs the queued jobs of a batch, each where `route` says (local or hosted, on its own scheduler and lane);
   * a cancelled job stays queued. Resolves with the reports of every finished job in the batch, earlier runs included.
   */
  async run(batchKey: string, route: JobRouter, onReport: (report: JobReport) => void): Promise<JobReport[]> {
    const { store } = this.deps;
    const launcher = new JobLauncher({ store, route, pid: this.deps.pid, wallClock: this.deps.wallClock, telemetryRecord });
    const schedulers = new Set<Scheduler<ConversionResult>>();
    for (const job of store.batch(batchKey).filter((j) => j.state === 'queued')) {
      schedulers.add(launcher.launch(job, onReport, () => true).scheduler);
    }
    await Promise.all([...schedulers].map((scheduler) => scheduler.whenIdle()));
    const all = store.batch(batchKey);
    if (all.every((j) => j.state === 'done')) store.removeBatch(batchKey);
    return all.map((j) => j.report).filter((r): r is JobReport => r !== null);
  }
}
