import type { JobReport } from '../../main/core/jobReport.js';
import type { OutputFormat } from '../../main/core/formats.js';
import type { JobState } from '../../main/core/jobs/jobModel.js';
import { normalizeOptions, type ConversionOptions } from '../../main/core/conversionOptions.js';
import type { BatchOrigin, ConvertedOutput, NewJob, QueueStore, QueuedJob, StoredBatch } from '../../main/core/queue/ports.js';
import type { ConversionRecord, TelemetryStore } from '../../main/core/telemetry/ports.js';
import type { SqliteDatabase } from './openDatabase.js';

interface Row {
  id: number;
  batch_key: string;
  input_path: string;
  target: string;
  output_dir: string | null;
  cohort: string | null;
  state: JobState;
  owner_pid: number | null;
  lease_expires_at: number | null;
  scratch_dir: string | null;
  child_pid: number | null;
  child_command: string | null;
  temp_path: string | null;
  output_path: string | null;
  result_json: string | null;
  options_json: string | null;
}

interface OutputRow {
  output_path: string;
  input_path: string;
  input_size: number;
  input_mtime_ms: number;
  request_key: string;
  output_size: number;
}

function toJob(row: Row): QueuedJob {
  return {
    id: row.id,
    batchKey: row.batch_key,
    inputPath: row.input_path,
    target: row.target as OutputFormat,
    outputDir: row.output_dir,
    cohort: row.cohort,
    options: normalizeOptions(row.options_json ? (JSON.parse(row.options_json) as Partial<ConversionOptions>) : undefined),
    state: row.state,
    ownerPid: row.owner_pid,
    leaseExpiresAt: row.lease_expires_at,
    scratchDir: row.scratch_dir,
    childPid: row.child_pid,
    childCommand: row.child_command,
    tempPath: row.temp_path,
    outputPath: row.output_path,
    report: row.result_json ? (JSON.parse(row.result_json) as JobReport) : null,
  };
}

function toOutput(row: OutputRow): ConvertedOutput {
  return { outputPath: row.output_path, inputPath: row.input_path, inputSize: row.input_size, inputMtimeMs: row.input_mtime_ms, requestKey: row.request_key, outputSize: row.output_size };
}

const UNFINISHED = "('queued', 'running', 'committing')";

/** How long a finished job may wait for another write before its end is written on its own. */
const FINISH_SOON_MS = 100;

type PendingFinish = [id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null];

/** The durable queue; `finish` writes the job's end, its telemetry row and its output in one transaction. */
export class SqliteQueueStore implements QueueStore {
  private readonly insertBatch;
  private readonly insert;
  private readonly selectBatch;
  private readonly selectBatchInfo;
  private readonly selectUnfinishedOfBatch;
  private readonly selectUnfinished;
  private readonly claimJob;
  private readonly renew;
  private readonly setRunning;
  private readonly setStarted;
  private readonly setChild;
  private readonly setCommitting;
  private readonly setQueued;
  private readonly setFinished;
  private readonly setStopped;
  private readonly deleteBatch;
  private readonly deleteFinished;
  private readonly insertOutput;
  private readonly selectOutputs;
  private readonly selectOutput;
  private pending: PendingFinish[] = [];
  private started: number[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly db: SqliteDatabase, private readonly telemetry: TelemetryStore, private readonly now: () => number = Date.now) {
    this.insertBatch = db.prepare('INSERT INTO queue_batches (batch_key, origin, created_at) VALUES (?, ?, ?) ON CONFLICT (batch_key) DO NOTHING');
    this.insert = db.prepare(`INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, cohort, options_json, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`);
    this.selectBatch = db.prepare('SELECT * FROM queue_jobs WHERE batch_key = ? ORDER BY position');
    this.selectUnfinishedOfBatch = db.prepare(`SELECT 1 FROM queue_jobs WHERE batch_key = ? AND state IN ${UNFINISHED} LIMIT 1`);
    this.selectBatchInfo = db.prepare('SELECT batch_key, origin, stopped_by_user, created_at FROM queue_batches WHERE batch_key = ?');
    this.selectUnfinished = db.prepare(`SELECT * FROM queue_jobs WHERE state IN ${UNFINISHED} ORDER BY id`);
    this.claimJob = db.prepare(`UPDATE queue_jobs SET owner_pid = ?, lease_expires_at = ?, scratch_dir = COALESCE(?, scratch_dir), temp_path = COALESCE(?, temp_path), updated_at = ?
      WHERE id = ? AND state = ? AND owner_pid IS ? AND lease_expires_at IS ?`);
    this.renew = db.prepare(`UPDATE queue_jobs SET lease_expires_at = ? WHERE owner_pid = ? AND state IN ${UNFINISHED}`);
    this.setRunning = db.prepare("UPDATE queue_jobs SET state = 'running', temp_path = ?, updated_at = ? WHERE id = ?");
    this.setStarted = db.prepare("UPDATE queue_jobs SET state = 'running', updated_at = ? WHERE id = ? AND state = 'queued'");
    this.setChild = db.prepare('UPDATE queue_jobs SET child_pid = ?, child_command = ? WHERE id = ?');
    this.setCommitting = db.prepare("UPDATE queue_jobs SET state = 'committing', output_path = ?, result_json = ?, updated_at = ? WHERE id = ?");
    this.setQueued = db.prepare(`UPDATE queue_jobs SET state = 'queued', owner_pid = NULL, lease_expires_at = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL,
      temp_path = NULL, output_path = NULL, result_json = NULL, updated_at = ? WHERE id = ?`);
    this.setFinished = db.prepare(`UPDATE queue_jobs SET state = ?, output_path = ?, result_json = ?, temp_path = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL,
      lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state IN ${UNFINISHED} AND (owner_pid IS NULL OR owner_pid = ?)`);
    this.setStopped = db.prepare('UPDATE queue_batches SET stopped_by_user = ? WHERE batch_key = ?');
    this.deleteBatch = db.prepare('DELETE FROM queue_batches WHERE batch_key = ?');
    this.deleteFinished = db.prepare(`DELETE FROM queue_batches WHERE NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.batch_key = queue_batches.batch_key AND (j.state IN ${UNFINISHED} OR j.updated_at >= ?))`);
    this.insertOutput = db.prepare(`INSERT INTO converted_outputs (output_path, input_path, input_size, input_mtime_ms, request_key, output_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (output_path) DO UPDATE SET input_path = excluded.input_path, input_size = excluded.input_size, input_mtime_ms = excluded.input_mtime_ms,
      request_key = excluded.request_key, output_size = excluded.output_size, created_at = excluded.created_at`);
    this.selectOutputs = db.prepare('SELECT * FROM converted_outputs WHERE input_path = ? AND request_key = ? ORDER BY created_at DESC');
    this.selectOutput = db.prepare('SELECT 1 FROM converted_outputs WHERE output_path = ?');
  }

  addBatch(batchKey: string, origin: BatchOrigin, jobs: readonly NewJob[]): { created: boolean; jobs: QueuedJob[] } {
    const now = this.now();
    const created = this.db.transaction(() => {
      if (this.insertBatch.run(batchKey, origin, now).changes === 0) return false;
      jobs.forEach((job, position) => this.insert.run(batchKey, position, job.inputPath, job.target, job.outputDir, job.cohort, JSON.stringify(normalizeOptions(job.options)), now, now));
      return true;
    }).immediate();
    return { created, jobs: this.batch(batchKey) };
  }

  batch(batchKey: string): QueuedJob[] {
    return (this.selectBatch.all(batchKey) as Row[]).map(toJob);
  }

  hasUnfinishedJobs(batchKey: string): boolean {
    return this.selectUnfinishedOfBatch.get(batchKey) !== undefined;
  }

  batchInfo(batchKey: string): StoredBatch | undefined {
    const row = this.selectBatchInfo.get(batchKey) as { batch_key: string; origin: BatchOrigin; stopped_by_user: number; created_at: number } | undefined;
    return row ? { batchKey: row.batch_key, origin: row.origin, stoppedByUser: row.stopped_by_user === 1, createdAt: row.created_at } : undefined;
  }

  unfinished(): QueuedJob[] {
    return (this.selectUnfinished.all() as Row[]).map(toJob);
  }

  claim(job: QueuedJob, ownerPid: number, leaseExpiresAt: number, scratchDir: string | null, tempPath: string | null = null): boolean {
    return this.claimJob.run(ownerPid, leaseExpiresAt, scratchDir, tempPath, this.now(), job.id, job.state, job.ownerPid, job.leaseExpiresAt).changes === 1;
  }

  claimAll(claims: readonly { job: QueuedJob; scratchDir: string; tempPath?: string }[], ownerPid: number, leaseExpiresAt: number): boolean[] {
    if (claims.length === 0) return [];
    return this.db.transaction(() => claims.map(({ job, scratchDir, tempPath }) => this.claim(job, ownerPid, leaseExpiresAt, scratchDir, tempPath ?? null))).immediate();
  }

  renewLeases(ownerPid: number, leaseExpiresAt: number): void {
    this.renew.run(leaseExpiresAt, ownerPid);
  }

  markRunning(id: number, tempPath: string): void {
    this.withStarts(() => this.setRunning.run(tempPath, this.now(), id));
  }

  markRunningSoon(id: number): void {
    this.started.push(id);
    this.flushTimer ??= setTimeout(() => this.flushFinished(), FINISH_SOON_MS).unref();
  }

  markChild(id: number, child: { pid: number; command: string } | null): void {
    this.setChild.run(child?.pid ?? null, child?.command ?? null, id);
  }

  markCommitting(id: number, outputPath: string, report: JobReport): void {
    // A start still waiting to be written is superseded by this later state.
    const waiting = this.started.indexOf(id);
    if (waiting >= 0) this.started.splice(waiting, 1);
    this.withStarts(() => this.setCommitting.run(outputPath, JSON.stringify(report), this.now(), id));
  }

  requeue(id: number): void {
    this.setQueued.run(this.now(), id);
  }

  finish(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): boolean {
    return this.db.transaction(() => this.writeFinish(id, ownerPid, report, record, output))();
  }

  finishSoon(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): void {
    this.pending.push([id, ownerPid, report, record, output]);
    this.flushTimer ??= setTimeout(() => this.flushFinished(), FINISH_SOON_MS).unref();
  }

  flushFinished(): void {
    if (this.pending.length > 0 || this.started.length > 0) this.withPending(() => undefined);
  }

  /**
   * Runs a job's own step in one transaction with the starts waiting to be written (a start never overwrites
   * the later state). Finishes wait for their timer: a step that must be written before a rename stays a few
   * rows, and a hundred finishes share one transaction.
   */
  private withStarts<T>(write: () => T): T {
    if (this.started.length === 0) return write();
    const started = this.started;
    this.started = [];
    try {
      return this.db.transaction(() => {
        const now = this.now();
        for (const id of started) this.setStarted.run(now, id);
        return write();
      })();
    } catch (error) {
      this.started.unshift(...started);
      throw error;
    }
  }

  /** Runs a write in one transaction with the starts and finishes waiting to be written. */
  private withPending<T>(write: () => T): T {
    if (this.pending.length === 0 && this.started.length === 0) return write();
    const pending = this.pending;
    const started = this.started;
    this.pending = [];
    this.started = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    try {
      return this.db.transaction(() => {
        const now = this.now();
        for (const id of started) this.setStarted.run(now, id);
        for (const finish of pending) this.writeFinish(...finish);
        return write();
      })();
    } catch (error) {
      this.pending.unshift(...pending);
      this.started.unshift(...started);
      throw error;
    }
  }

  private writeFinish(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): boolean {
    const now = this.now();
    if (this.setFinished.run(report.status, report.output, JSON.stringify(report), now, id, ownerPid).changes === 0) return false;
    if (record) this.telemetry.record(record);
    if (output) this.insertOutput.run(output.outputPath, output.inputPath, output.inputSize, output.inputMtimeMs, output.requestKey, output.outputSize, now);
    return true;
  }

  setStoppedByUser(batchKey: string, stopped: boolean): void {
    this.setStopped.run(stopped ? 1 : 0, batchKey);
  }

  removeBatch(batchKey: string): void {
    this.deleteBatch.run(batchKey);
  }

  removeFinishedBatches(before: number): void {
    this.deleteFinished.run(before);
  }

  findOutputs(inputPath: string, requestKey: string): ConvertedOutput[] {
    return (this.selectOutputs.all(inputPath, requestKey) as OutputRow[]).map(toOutput);
  }

  isConvertedOutput(file: string): boolean {
    return this.selectOutput.get(file) !== undefined;
  }
}
