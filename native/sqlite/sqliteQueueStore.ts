import type { JobReport } from '../../main/core/batch.js';
import type { OutputFormat } from '../../main/core/formats.js';
import type { NewJob, QueueState, QueueStore, QueuedJob } from '../../main/core/queue/ports.js';
import type { ConversionRecord, TelemetryStore } from '../../main/core/telemetry/ports.js';
import type { SqliteDatabase } from './openDatabase.js';

interface Row {
  id: number;
  batch_key: string;
  input_path: string;
  target: string;
  output_dir: string | null;
  cohort: string | null;
  state: QueueState;
  owner_pid: number | null;
  temp_path: string | null;
  output_path: string | null;
  result_json: string | null;
}

function toJob(row: Row): QueuedJob {
  return {
    id: row.id,
    batchKey: row.batch_key,
    inputPath: row.input_path,
    target: row.target as OutputFormat,
    outputDir: row.output_dir,
    cohort: row.cohort,
    state: row.state,
    ownerPid: row.owner_pid,
    tempPath: row.temp_path,
    outputPath: row.output_path,
    report: row.result_json ? (JSON.parse(row.result_json) as JobReport) : null,
  };
}

/** The durable queue; `finish` writes the job's end and its telemetry row in one transaction. */
export class SqliteQueueStore implements QueueStore {
  private readonly insert;
  private readonly selectBatch;
  private readonly selectUnfinished;
  private readonly setRunning;
  private readonly setCommitting;
  private readonly setQueued;
  private readonly setDone;
  private readonly deleteBatch;

  constructor(private readonly db: SqliteDatabase, private readonly telemetry: TelemetryStore, private readonly now: () => number = Date.now) {
    this.insert = db.prepare(`INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, cohort, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`);
    this.selectBatch = db.prepare('SELECT * FROM queue_jobs WHERE batch_key = ? ORDER BY position');
    this.selectUnfinished = db.prepare("SELECT * FROM queue_jobs WHERE state <> 'done' ORDER BY id");
    this.setRunning = db.prepare("UPDATE queue_jobs SET state = 'running', owner_pid = ?, temp_path = ?, updated_at = ? WHERE id = ?");
    this.setCommitting = db.prepare("UPDATE queue_jobs SET state = 'committing', output_path = ?, result_json = ?, updated_at = ? WHERE id = ?");
    this.setQueued = db.prepare("UPDATE queue_jobs SET state = 'queued', owner_pid = NULL, temp_path = NULL, output_path = NULL, result_json = NULL, updated_at = ? WHERE id = ?");
    this.setDone = db.prepare("UPDATE queue_jobs SET state = 'done', output_path = ?, result_json = ?, temp_path = NULL, updated_at = ? WHERE id = ?");
    this.deleteBatch = db.prepare('DELETE FROM queue_jobs WHERE batch_key = ?');
  }

  addBatch(batchKey: string, jobs: readonly NewJob[]): QueuedJob[] {
    const now = this.now();
    this.db.transaction(() => {
      jobs.forEach((job, position) => this.insert.run(batchKey, position, job.inputPath, job.target, job.outputDir, job.cohort, now, now));
    })();
    return this.batch(batchKey);
  }

  batch(batchKey: string): QueuedJob[] {
    return (this.selectBatch.all(batchKey) as Row[]).map(toJob);
  }

  unfinished(): QueuedJob[] {
    return (this.selectUnfinished.all() as Row[]).map(toJob);
  }

  markRunning(id: number, ownerPid: number, tempPath: string): void {
    this.setRunning.run(ownerPid, tempPath, this.now(), id);
  }

  markCommitting(id: number, outputPath: string, report: JobReport): void {
    this.setCommitting.run(outputPath, JSON.stringify(report), this.now(), id);
  }

  requeue(id: number): void {
    this.setQueued.run(this.now(), id);
  }

  finish(id: number, report: JobReport, record: ConversionRecord): void {
    this.db.transaction(() => {
      this.setDone.run(report.output, JSON.stringify(report), this.now(), id);
      this.telemetry.record(record);
    })();
  }

  removeBatch(batchKey: string): void {
    this.deleteBatch.run(batchKey);
  }
}
