import type { OutputFormat } from '../formats.js';
import type { ConversionOptions } from '../engine/plan/conversionOptions.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import type { JobReport, RouteFacts } from '../jobs/jobReport.js';
import type { ConversionMode, FileConverter } from '../engine/run/fileConverter.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { InterruptedJob } from '../jobs/jobModel.js';

/**
 * Where a batch came from: it resumes there (the window may offer to resume a command-line batch, never
 * silently). A batch-folder rule's files are jobs of the rule's own batch (`ruleBatchKey`), which the rule resumes.
 */
export type BatchOrigin = 'cli' | 'window' | 'rule';

export const ruleBatchKey = (ruleId: number): string => `rule:${ruleId}`;

export interface QueuedJob extends InterruptedJob {
  id: number;
  batchKey: string;
  origin: BatchOrigin;
  inputPath: string;
  target: OutputFormat;
  outputDir: string | null;
  cohort: string | null;
  /** Quality, size limit, resize, metadata and conflict policy, kept with the job so that resume and retry use them. */
  options: ConversionOptions;
}

export interface NewJob extends Pick<QueuedJob, 'inputPath' | 'target' | 'outputDir' | 'cohort'> {
  /** The defaults when absent. */
  options?: ConversionOptions;
}

export interface StoredBatch {
  batchKey: string;
  origin: BatchOrigin;
  /** The rule of a batch whose origin is `rule`. */
  ruleId?: number;
  /** Stopped with Ctrl-C or SIGTERM in a terminal. */
  stoppedByUser: boolean;
  createdAt: number;
}

/** An output this app wrote, with the input and request it came from ("already converted" and "our own output"). */
export interface ConvertedOutput {
  outputPath: string;
  inputPath: string;
  inputSize: number;
  inputMtimeMs: number;
  requestKey: string;
  outputSize: number;
}

/** Where queued and running jobs live so that a crash or a quit loses none of them. */
export interface QueueStore {
  /** Adds the batch, in place of a finished one with this key, unless that one has work left (atomically); returns its jobs and whether it was new. */
  addBatch(batchKey: string, origin: BatchOrigin, jobs: readonly NewJob[]): { created: boolean; jobs: QueuedJob[] };
  batch(batchKey: string): QueuedJob[];
  /** Some job of the batch is queued, running or committing (without reading the batch). */
  hasUnfinishedJobs(batchKey: string): boolean;
  batchInfo(batchKey: string): StoredBatch | undefined;
  unfinished(): QueuedJob[];
  /**
   * Takes a job for this process: a conditional update that succeeds only if the job is still in the state
   * and held by the owner and lease it was read with, so that of two processes claiming at once exactly one
   * wins. `scratchDir` null keeps the recorded one (recovery removes it).
   */
  claim(job: QueuedJob, ownerPid: number, leaseExpiresAt: number, scratchDir: string | null): boolean;
  /**
   * `claim` for each job, in one transaction; true where this process won the job. `tempPath` is the name its
   * temporary output will have, recorded with the claim so that starting the job needs no write of its own.
   */
  claimAll(claims: readonly { job: QueuedJob; scratchDir: string; tempPath?: string }[], ownerPid: number, leaseExpiresAt: number): boolean[];
  renewLeases(ownerPid: number, leaseExpiresAt: number): void;
  /**
   * The job writes its temporary output: `tempPath`, or null for the name recorded with its claim (the store
   * may then write the start later; until then the job is `queued` with that name, and recovery removes the
   * file all the same). Throws when the job is no longer this owner's.
   */
  start(id: number, ownerPid: number, tempPath: string | null): void;
  markChild(id: number, ownerPid: number, child: { pid: number; command: string } | null): void;
  /**
   * Records the output name and report just before the output takes that name; `alongside` writes in the same
   * transaction. Written at the end of the event loop's turn, in one transaction with the commits of jobs finishing in
   * that turn; rejects when the job is no longer this owner's.
   */
  commitTogether(id: number, ownerPid: number, outputPath: string, report: JobReport, alongside?: () => void): Promise<void>;
  /** Puts a job of this owner back in the queue, dropping any write of it not yet made; false if it was not this owner's. */
  requeue(id: number, ownerPid: number): boolean;
  /**
   * Ends the job, records its telemetry row (not for skipped jobs) and its output, atomically; false if the job
   * was not this owner's. The end of a job this owner committed may be written a moment later, with others.
   */
  finish(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): boolean;
  setStoppedByUser(batchKey: string, stopped: boolean): void;
  /** Forgets finished batches last touched before `before` (a rule's batch is its memory and stays while the rule does). */
  removeFinishedBatches(before: number): void;
  /** An earlier output of this input and request, when one was recorded. */
  findOutputs(inputPath: string, requestKey: string): ConvertedOutput[];
  isConvertedOutput(file: string): boolean;
}

/** Where one job runs: its mode (for the report and telemetry), the converter, and the scheduler lane that bounds it. */
export interface JobRoute {
  mode: ConversionMode;
  converter: FileConverter;
  scheduler: Scheduler<ConversionResult>;
  lane: string;
  /** Called once the job has ended: gives back what routing took (a hybrid job's budget reservation) when its converter never ran. */
  release?(): void;
  /** Why the job runs where it does, when the router weighed it. */
  decision?: RouteDecision;
}

/** Where a job runs and, for hybrid, why (the `route` of its report's facts) and at what predicted and actual cost. */
export interface RouteDecision extends Pick<RouteFacts, 'localTiming' | 'reservedUsd'> {
  mode: ConversionMode;
  reason: string | undefined;
  predictedCostUsd: number | undefined;
  /** What the job cost once it finished here or on the hosted API. */
  costUsd?: number | undefined;
}

/** What routing reads of a job, whatever its origin (a queued job, a rule's file). */
export type RoutableJob = Pick<QueuedJob, 'batchKey' | 'inputPath' | 'target'> & { options?: ConversionOptions };

/**
 * When a waiting job is asked about: `mayWait` while other jobs of its batch are under way (a job that would
 * only wait for a slot here stays unrouted), false when nothing else would free a slot for it.
 */
export interface RouteMoment {
  mayWait: boolean;
  /** Jobs of its kind and batch that wait ahead of it for a slot here (their turns add to its wait). */
  ahead?: number;
}

/**
 * Routes a job at the moment a slot could take it: its route, or undefined when it does better waiting for a
 * slot on this machine (only when `moment.mayWait`). Without a moment it always routes.
 */
export type LateRouter = (job: RoutableJob, moment?: RouteMoment) => JobRoute | undefined;

