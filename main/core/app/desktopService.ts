import path from 'node:path';
import { guessPair, type JobReport } from '../batch.js';
import { AppError } from '../errors.js';
import { defaultTargetFor, inputFormatFromName, inputKind, type OutputFormat } from '../formats.js';
import { expandInputs, fileSize } from '../inputFiles.js';
import type { JobSnapshot } from '../jobState.js';
import type { ConversionResult } from '../localConverter.js';
import type { LaunchedJob } from '../queue/jobLauncher.js';
import type { QueuedJob } from '../queue/ports.js';
import type { BatchSpec } from '../queue/persistentQueue.js';
import type { Scheduler } from '../scheduler.js';
import type { TelemetryStore } from '../telemetry/ports.js';
import { buildStats, dayOf, type Stats } from '../telemetry/stats.js';
import { BatchTracker, type BatchOutcome } from './batchTracker.js';
import type { SettingsStore } from './settingsStore.js';

/** The durable queue as the desktop needs it (PersistentQueue implements it). */
export interface DurableQueue {
  submit(spec: BatchSpec): { batchKey: string; resumed: boolean; jobs: QueuedJob[] };
  /** Stored jobs waiting to run (after recovery: what a crash or a quit left). */
  queuedJobs(): QueuedJob[];
  /**
   * Puts one stored job on the scheduler; `onEnd` is called once with its report. A cancelled job is put
   * back in the queue when `requeueOnCancel()` says so (quitting), else recorded as cancelled.
   */
  launch(job: QueuedJob, onEnd: (report: JobReport) => void, requeueOnCancel: () => boolean): LaunchedJob;
}

export interface JobViewData {
  id: number;
  batchId: number;
  input: string;
  name: string;
  target: OutputFormat;
  pair: string;
  mode: 'local' | 'hosted';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  etaSeconds: number | null;
  inputBytes: number | null;
  outputBytes: number | null;
  output: string | null;
  notes: string[];
  error: { code: string; message: string } | null;
}

export interface DesktopEvents {
  jobUpdated(view: JobViewData): void;
  batchFinished(outcome: BatchOutcome): void;
}

export interface DesktopServiceDeps {
  queue: DurableQueue;
  /** Every scheduler jobs may run on (local, hosted); their job ids never overlap. */
  schedulers: Scheduler<ConversionResult>[];
  telemetry: TelemetryStore;
  settings: SettingsStore;
  events: DesktopEvents;
  now: () => number;
}

/**
 * What the window can ask of the engine (the invoke channels of preload/contract.ts), free of Electron so
 * that the desktop shell and the web host serve the same behaviour.
 */
export class DesktopService {
  private readonly views = new Map<number, JobViewData>();
  private readonly schedulerOf = new Map<number, Scheduler<ConversionResult>>();
  private readonly tracker: BatchTracker;
  private paused = false;
  private quitting = false;

  constructor(private readonly deps: DesktopServiceDeps) {
    this.tracker = new BatchTracker((outcome) => deps.events.batchFinished(outcome));
    for (const scheduler of deps.schedulers) scheduler.onUpdate((snapshot) => this.onSnapshot(snapshot));
  }

  async enqueue(paths: readonly string[], target: OutputFormat | null): Promise<{ batchId: number; jobIds: number[]; skipped: { path: string; reason: string }[] }> {
    const { files, emptyFolders } = await expandInputs(paths);
    const skipped = emptyFolders.map((folder) => ({ path: folder, reason: 'No supported files in this folder.' }));
    const byTarget = new Map<OutputFormat, string[]>();
    for (const file of files) {
      const format = inputFormatFromName(file);
      const chosen = target ?? (format ? defaultTargetFor(inputKind(format)) : null);
      if (!chosen) {
        skipped.push({ path: file, reason: 'Not a file type Convertr reads; pick a target to try it anyway.' });
        continue;
      }
      byTarget.set(chosen, [...(byTarget.get(chosen) ?? []), file]);
    }
    const batchId = this.tracker.open();
    const jobIds: number[] = [];
    const settings = this.deps.settings.get();
    for (const [format, inputs] of byTarget) {
      const { jobs } = this.deps.queue.submit({ inputs, target: format, outputDir: settings.outputFolder, cohort: settings.clientCohort });
      for (const job of jobs.filter((j) => j.state === 'queued')) jobIds.push(this.launch(job, batchId));
    }
    this.tracker.closeIfEmpty(batchId);
    return { batchId, jobIds, skipped };
  }

  list(): { jobs: JobViewData[]; paused: boolean } {
    return { jobs: [...this.views.values()].map((v) => ({ ...v })), paused: this.paused };
  }

  cancel(jobId: number): boolean {
    return this.schedulerOf.get(jobId)?.cancel(jobId) ?? false;
  }

  async retry(jobId: number): Promise<number> {
    const view = this.views.get(jobId);
    if (!view) throw new AppError('USAGE', 'That job is no longer in the queue.');
    if (view.status !== 'failed' && view.status !== 'cancelled') throw new AppError('USAGE', 'Only a failed or cancelled job can be retried.');
    const settings = this.deps.settings.get();
    const { jobs } = this.deps.queue.submit({ inputs: [view.input], target: view.target, outputDir: settings.outputFolder, cohort: settings.clientCohort });
    const job = jobs.find((j) => j.state === 'queued');
    if (!job) throw new AppError('USAGE', 'That file is already queued.');
    this.views.delete(jobId);
    this.schedulerOf.delete(jobId);
    return this.launch(job, this.tracker.isOpen(view.batchId) ? view.batchId : this.tracker.open());
  }

  clearFinished(): number {
    let removed = 0;
    for (const [id, view] of this.views) {
      if (view.status === 'succeeded' || view.status === 'failed' || view.status === 'cancelled') {
        this.views.delete(id);
        this.schedulerOf.delete(id);
        removed++;
      }
    }
    return removed;
  }

  pause(): void {
    this.paused = true;
    for (const scheduler of this.deps.schedulers) scheduler.pause();
  }

  resume(): void {
    this.paused = false;
    for (const scheduler of this.deps.schedulers) scheduler.resume();
  }

  isPaused(): boolean {
    return this.paused;
  }

  outputOf(jobId: number): string | null {
    return this.views.get(jobId)?.output ?? null;
  }

  stats(windowDays: number): Stats {
    const today = dayOf(this.deps.now());
    return buildStats(this.deps.telemetry.totals(today - windowDays + 1, today), windowDays, today);
  }

  /** Jobs still queued or running (what a quit must persist). */
  activeCount(): number {
    return [...this.views.values()].filter((v) => v.status === 'queued' || v.status === 'running').length;
  }

  /** Starts what an earlier run left queued, as one batch. Returns how many jobs were restored. */
  restore(): number {
    const jobs = this.deps.queue.queuedJobs();
    if (jobs.length === 0) return 0;
    const batchId = this.tracker.open();
    for (const job of jobs) this.launch(job, batchId);
    return jobs.length;
  }

  /**
   * Quitting with work left: running jobs are stopped and, like the queued ones, stay in the durable queue
   * for the next start; their partial files are removed. Resolves when nothing runs any more.
   */
  async persistForQuit(): Promise<number> {
    this.quitting = true;
    const active = this.activeCount();
    for (const scheduler of this.deps.schedulers) {
      scheduler.pause();
      scheduler.cancelAll();
    }
    await Promise.all(this.deps.schedulers.map((scheduler) => scheduler.whenIdle()));
    return active;
  }

  private launch(job: QueuedJob, batchId: number): number {
    const { id, scheduler } = this.deps.queue.launch(job, (report) => this.onEnd(id, report), () => this.quitting);
    this.schedulerOf.set(id, scheduler);
    this.views.set(id, {
      id, batchId, input: job.inputPath, name: path.basename(job.inputPath), target: job.target,
      pair: guessPair(job.inputPath, job.target), mode: 'local', status: 'queued', progress: 0, etaSeconds: null,
      inputBytes: fileSize(job.inputPath), outputBytes: null, output: null, notes: [], error: null,
    });
    this.tracker.add(batchId, id);
    const current = scheduler.get(id);
    if (current) this.onSnapshot(current);
    else this.emit(id);
    return id;
  }

  private onSnapshot(snapshot: JobSnapshot<ConversionResult>): void {
    const view = this.views.get(snapshot.id);
    if (!view) return;
    view.status = snapshot.status;
    view.progress = snapshot.progress;
    view.etaSeconds = snapshot.etaSeconds ?? null;
    if (snapshot.result) {
      view.pair = snapshot.result.pair;
      view.inputBytes = snapshot.result.inputBytes;
      view.outputBytes = snapshot.result.outputBytes;
    }
    this.emit(snapshot.id);
  }

  private onEnd(id: number, report: JobReport): void {
    const view = this.views.get(id);
    if (view) {
      view.status = report.status;
      view.output = report.output;
      view.pair = report.pair;
      view.mode = report.mode;
      view.notes = report.notes;
      view.error = report.error;
      view.progress = report.status === 'succeeded' ? 1 : view.progress;
      this.emit(id);
    }
    this.tracker.ended({ jobId: id, status: report.status, output: report.output });
  }

  private emit(id: number): void {
    const view = this.views.get(id);
    if (view) this.deps.events.jobUpdated({ ...view, notes: [...view.notes] });
  }
}
