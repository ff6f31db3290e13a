import type { OutputFormat } from '../formats.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import type { ConversionMode, FileConverter, JobReport } from '../batch.js';
import type { ConversionResult } from '../localConverter.js';
import type { Scheduler } from '../scheduler.js';

export type QueueState = 'queued' | 'running' | 'committing' | 'done';

export interface QueuedJob {
  id: number;
  batchKey: string;
  inputPath: string;
  target: OutputFormat;
  outputDir: string | null;
  cohort: string | null;
  state: QueueState;
  ownerPid: number | null;
  tempPath: string | null;
  outputPath: string | null;
  /** The report of a job being committed or done. */
  report: JobReport | null;
}

export interface NewJob {
  inputPath: string;
  target: OutputFormat;
  outputDir: string | null;
  cohort: string | null;
}

/** Where queued and running jobs live so that a crash or a quit loses none of them. */
export interface QueueStore {
  addBatch(batchKey: string, jobs: readonly NewJob[]): QueuedJob[];
  batch(batchKey: string): QueuedJob[];
  unfinished(): QueuedJob[];
  markRunning(id: number, ownerPid: number, tempPath: string): void;
  markCommitting(id: number, outputPath: string, report: JobReport): void;
  requeue(id: number): void;
  /** Marks the job done and records its telemetry row, atomically. */
  finish(id: number, report: JobReport, record: ConversionRecord): void;
  /** Forgets a batch whose jobs are all done (the queue keeps paths only while it needs them). */
  removeBatch(batchKey: string): void;
}

/** The few file-system facts recovery needs. */
export interface RecoveryFileSystem {
  exists(file: string): boolean;
  /** Both names are links to the same file. */
  sameFile(a: string, b: string): boolean;
  remove(file: string): void;
}

/** Where one job runs: its mode (for the report and telemetry), the converter, and the scheduler lane that bounds it. */
export interface JobRoute {
  mode: ConversionMode;
  converter: FileConverter;
  scheduler: Scheduler<ConversionResult>;
  lane: string;
}

export type JobRouter = (job: QueuedJob) => JobRoute;
