import type { JobReport } from '../../main/core/jobs/jobReport.js';
import { normalizeOptions, type ConversionOptions } from '../../main/core/engine/plan/conversionOptions.js';
import type { BatchOrigin, ConvertedOutput, NewJob, QueueStore, QueuedJob, StoredBatch } from '../../main/core/queue/ports.js';
import type { ConversionRecord, TelemetryStore } from '../../main/core/telemetry/ports.js';
import { AppError } from '../../main/core/errors.js';
import { BEFORE_COMMIT_SQL, UNFINISHED_SQL } from './jobStates.js';
import type { SqliteDatabase } from './openDatabase.js';

/** A job's columns under the names `QueuedJob` gives them, its batch's origin too; its options and report still JSON. */
export const JOB_COLUMNS = `id, batch_key AS batchKey, input_path AS inputPath, target, output_dir AS outputDir, cohort, options_json AS options, state,
  owner_pid AS ownerPid, lease_expires_at AS leaseExpiresAt, scratch_dir AS scratchDir, child_pid AS childPid, child_command AS childCommand,
  temp_path AS tempPath, output_path AS outputPath, result_json AS report,
  (SELECT origin FROM queue_batches b WHERE b.batch_key = queue_jobs.batch_key) AS origin`;

export type Row = Omit<QueuedJob, 'options' | 'report'> & { options: string | null; report: string | null };

export function toJob(row: Row): QueuedJob {
  const options = row.options ? (JSON.parse(row.options) as Partial<ConversionOptions>) : undefined;
  return { ...row, options: normalizeOptions(options), report: row.report ? (JSON.parse(row.report) as JobReport) : null };
}

/** How long a write this store defers (a start, a committed job's end) may wait for another write. */
const DEFER_MS = 100;
/**
 * Commits wait for the end of the event loop's turn: those of jobs finishing in the same turn (pictures whose encodes
 * ended together) share one transaction, at no cost in time. At most this many share one.
 */
const COMMIT_GROUP = 64;

type Finish = [ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null];

interface PendingCommit {
  id: number;
  ownerPid: number;
  outputPath: string;
  report: JobReport;
  alongside: (() => void) | undefined;
  settle(error?: unknown): void;
}

/** Runs `flush` once, `ms` after the first call since the last flush; the test gives its own clock. */
export interface DeferTimer {
  schedule(flush: () => void, ms: number): { cancel(): void };
  /** Runs `flush` once at the end of this turn of the event loop (the process waits for it). */
  soon(flush: () => void): { cancel(): void };
}

const realTimer: DeferTimer = {
  schedule(flush, ms) {
    const timer = setTimeout(flush, ms).unref();
    return { cancel: () => clearTimeout(timer) };
  },
  soon(flush) {
    const immediate = setImmediate(flush);
    return { cancel: () => clearImmediate(immediate) };
  },
};

/**
 * The durable queue. Every change of state is guarded by the state and owner it expects (a WHERE on both and
 * a check of the rows changed). Three writes are deferred, the store's own business: a start whose temporary
 * name was recorded with the claim; the child process a job runs (recovery stops it only if it still runs that
 * command, and the process runner ties each child's life to this process's); and the end of a job this process
 * committed (recovery completes such a job exactly once after a crash) while other jobs claimed here are at work.
 * They are written with the next write, by a timer, before any read of jobs, and at `flush` (quit). A requeue or
 * an end drops the job's deferred start and child.
 */
export class SqliteQueueStore implements QueueStore {
  private readonly sql;
  /** Deferred starts, child processes and ends by job id; at most one of each per job. */
  private readonly starts = new Map<number, number>();
  private readonly children = new Map<number, [ownerPid: number, pid: number | null, command: string | null]>();
  private readonly finishes = new Map<number, Finish>();
  /** Jobs this store claimed and has not ended, and those of them it committed (for an owner): their end may be deferred. */
  private readonly claimed = new Set<number>();
  private readonly committed = new Map<number, number>();
  private timer: { cancel(): void } | undefined;
  /** Commits waiting to share a transaction, in the order they came. */
  private commits: PendingCommit[] = [];
  private commitTimer: { cancel(): void } | undefined;

  constructor(private readonly db: SqliteDatabase, private readonly telemetry: TelemetryStore, private readonly now: () => number = Date.now, private readonly deferTimer: DeferTimer = realTimer) {
    this.sql = {
      deleteFinishedBatch: db.prepare(`DELETE FROM queue_batches WHERE batch_key = @key AND NOT EXISTS (SELECT 1 FROM queue_jobs WHERE batch_key = @key AND state IN ${UNFINISHED_SQL})`),
      insertBatch: db.prepare('INSERT INTO queue_batches (batch_key, origin, created_at) VALUES (?, ?, ?) ON CONFLICT (batch_key) DO NOTHING'),
      insert: db.prepare(`INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, cohort, options_json, state, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`),
      selectBatch: db.prepare(`SELECT ${JOB_COLUMNS} FROM queue_jobs WHERE batch_key = ? ORDER BY position`),
      selectUnfinishedOfBatch: db.prepare(`SELECT 1 FROM queue_jobs WHERE batch_key = ? AND state IN ${UNFINISHED_SQL} LIMIT 1`),
      selectBatchInfo: db.prepare('SELECT batch_key, origin, rule_id, stopped_by_user, created_at FROM queue_batches WHERE batch_key = ?'),
      selectUnfinished: db.prepare(`SELECT ${JOB_COLUMNS} FROM queue_jobs WHERE state IN ${UNFINISHED_SQL} ORDER BY id`),
      claimJob: db.prepare(`UPDATE queue_jobs SET owner_pid = ?, lease_expires_at = ?, scratch_dir = COALESCE(?, scratch_dir), temp_path = COALESCE(?, temp_path), updated_at = ?
        WHERE id = ? AND state = ? AND owner_pid IS ? AND lease_expires_at IS ?`),
      renew: db.prepare(`UPDATE queue_jobs SET lease_expires_at = ? WHERE owner_pid = ? AND state IN ${UNFINISHED_SQL}`),
      setRunning: db.prepare(`UPDATE queue_jobs SET state = 'running', temp_path = COALESCE(?, temp_path), updated_at = ? WHERE id = ? AND owner_pid = ? AND state IN ${BEFORE_COMMIT_SQL}`),
      setChild: db.prepare(`UPDATE queue_jobs SET child_pid = ?, child_command = ? WHERE id = ? AND owner_pid = ? AND state IN ${UNFINISHED_SQL}`),
      setCommitting: db.prepare(`UPDATE queue_jobs SET state = 'committing', output_path = ?, result_json = ?, updated_at = ? WHERE id = ? AND owner_pid = ? AND state IN ${UNFINISHED_SQL}`),
      setQueued: db.prepare(`UPDATE queue_jobs SET state = 'queued', owner_pid = NULL, lease_expires_at = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL,
        temp_path = NULL, output_path = NULL, result_json = NULL, updated_at = ? WHERE id = ? AND owner_pid = ? AND state IN ${UNFINISHED_SQL}`),
      setFinished: db.prepare(`UPDATE queue_jobs SET state = ?, output_path = ?, result_json = ?, temp_path = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL,
        lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state IN ${UNFINISHED_SQL} AND (owner_pid IS NULL OR owner_pid = ?)`),
      setStopped: db.prepare('UPDATE queue_batches SET stopped_by_user = ? WHERE batch_key = ?'),
      deleteFinished: db.prepare(`DELETE FROM queue_batches WHERE origin <> 'rule' AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.batch_key = queue_batches.batch_key AND (j.state IN ${UNFINISHED_SQL} OR j.updated_at >= ?))`),
      insertOutput: db.prepare(`INSERT INTO converted_outputs (output_path, input_path, input_size, input_mtime_ms, request_key, output_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (output_path) DO UPDATE SET input_path = excluded.input_path, input_size = excluded.input_size, input_mtime_ms = excluded.input_mtime_ms,
        request_key = excluded.request_key, output_size = excluded.output_size, created_at = excluded.created_at`),
      selectOutputs: db.prepare(`SELECT output_path AS outputPath, input_path AS inputPath, input_size AS inputSize, input_mtime_ms AS inputMtimeMs, request_key AS requestKey,
        output_size AS outputSize FROM converted_outputs WHERE input_path = ? AND request_key = ? ORDER BY created_at DESC`),
      selectOutput: db.prepare('SELECT 1 FROM converted_outputs WHERE output_path = ?'),
    };
  }

  addBatch(batchKey: string, origin: BatchOrigin, jobs: readonly NewJob[]): { created: boolean; jobs: QueuedJob[] } {
    const now = this.now();
    const created = this.withDeferred(() => {
      this.sql.deleteFinishedBatch.run({ key: batchKey });
      if (this.sql.insertBatch.run(batchKey, origin, now).changes === 0) return false;
      jobs.forEach((job, position) => this.sql.insert.run(batchKey, position, job.inputPath, job.target, job.outputDir, job.cohort, JSON.stringify(normalizeOptions(job.options)), now, now));
      return true;
    }, true);
    return { created, jobs: this.batch(batchKey) };
  }

  batch(batchKey: string): QueuedJob[] {
    this.flush();
    return (this.sql.selectBatch.all(batchKey) as Row[]).map(toJob);
  }

  hasUnfinishedJobs(batchKey: string): boolean {
    this.flush();
    return this.sql.selectUnfinishedOfBatch.get(batchKey) !== undefined;
  }

  batchInfo(batchKey: string): StoredBatch | undefined {
    const row = this.sql.selectBatchInfo.get(batchKey) as { batch_key: string; origin: BatchOrigin; rule_id: number | null; stopped_by_user: number; created_at: number } | undefined;
    return row ? { batchKey: row.batch_key, origin: row.origin, ...(row.rule_id === null ? {} : { ruleId: row.rule_id }), stoppedByUser: row.stopped_by_user === 1, createdAt: row.created_at } : undefined;
  }

  unfinished(): QueuedJob[] {
    this.flush();
    return (this.sql.selectUnfinished.all() as Row[]).map(toJob);
  }

  claim(job: QueuedJob, ownerPid: number, leaseExpiresAt: number, scratchDir: string | null, tempPath: string | null = null): boolean {
    const won = this.sql.claimJob.run(ownerPid, leaseExpiresAt, scratchDir, tempPath, this.now(), job.id, job.state, job.ownerPid, job.leaseExpiresAt).changes === 1;
    if (won) this.claimed.add(job.id);
    return won;
  }

  claimAll(claims: readonly { job: QueuedJob; scratchDir: string; tempPath?: string }[], ownerPid: number, leaseExpiresAt: number): boolean[] {
    if (claims.length === 0) return [];
    return this.withDeferred(() => claims.map(({ job, scratchDir, tempPath }) => this.claim(job, ownerPid, leaseExpiresAt, scratchDir, tempPath ?? null)), true);
  }

  renewLeases(ownerPid: number, leaseExpiresAt: number): void {
    this.sql.renew.run(leaseExpiresAt, ownerPid);
  }

  start(id: number, ownerPid: number, tempPath: string | null): void {
    if (tempPath === null) {
      this.starts.set(id, ownerPid);
      this.schedule();
      return;
    }
    this.starts.delete(id);
    this.withDeferred(() => this.expect(this.sql.setRunning.run(tempPath, this.now(), id, ownerPid).changes, id, 'start'));
  }

  markChild(id: number, ownerPid: number, child: { pid: number; command: string } | null): void {
    this.children.set(id, [ownerPid, child?.pid ?? null, child?.command ?? null]);
    this.schedule();
  }

  /** `commitTogether` for one job, written now (its transaction carries the deferred writes). */
  commit(id: number, ownerPid: number, outputPath: string, report: JobReport, alongside?: () => void): void {
    // A start still waiting to be written is superseded by this later state.
    this.starts.delete(id);
    this.withDeferred(() => this.writeCommit({ id, ownerPid, outputPath, report, alongside }));
    this.committed.set(id, ownerPid);
  }

  commitTogether(id: number, ownerPid: number, outputPath: string, report: JobReport, alongside?: () => void): Promise<void> {
    this.starts.delete(id);
    return new Promise((resolve, reject) => {
      this.commits.push({ id, ownerPid, outputPath, report, alongside, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.commits.length >= COMMIT_GROUP) this.writeCommits();
      else this.commitTimer ??= this.deferTimer.soon(() => this.writeCommits());
    });
  }

  /** The waiting commits in one transaction, each in a savepoint of its own: one that is no longer this owner's fails alone. */
  private writeCommits(): void {
    this.commitTimer?.cancel();
    this.commitTimer = undefined;
    const commits = this.commits;
    this.commits = [];
    if (commits.length === 0) return;
    let failures: unknown[];
    try {
      failures = this.withDeferred(() => commits.map((commit) => {
        try {
          this.writeCommit(commit);
          return undefined;
        } catch (error) {
          return error;
        }
      }));
    } catch (error) {
      for (const commit of commits) commit.settle(error);
      return;
    }
    commits.forEach((commit, i) => {
      if (failures[i] === undefined) this.committed.set(commit.id, commit.ownerPid);
      commit.settle(failures[i]);
    });
  }

  /** A job's output name and report, and what is written alongside, in a savepoint of their own; throws when the job is no longer this owner's. */
  private writeCommit({ id, ownerPid, outputPath, report, alongside }: Omit<PendingCommit, 'settle'>): void {
    this.db.transaction(() => {
      this.expect(this.sql.setCommitting.run(outputPath, JSON.stringify(report), this.now(), id, ownerPid).changes, id, 'commit');
      alongside?.();
    })();
  }

  requeue(id: number, ownerPid: number): boolean {
    this.forget(id);
    return this.sql.setQueued.run(this.now(), id, ownerPid).changes === 1;
  }

  finish(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): boolean {
    // Deferred only while other jobs claimed here are still at work: the last end of a batch writes them all.
    const defer = this.committed.get(id) === ownerPid && report.status === 'succeeded' && this.claimed.size > 1;
    this.forget(id);
    if (defer) {
      this.finishes.set(id, [ownerPid, report, record, output]);
      this.schedule();
      return true;
    }
    return this.withDeferred(() => this.writeFinish(id, ownerPid, report, record, output), true);
  }

  /** Writes every deferred start and end now (quit, or before a read). */
  flush(): void {
    this.writeCommits();
    if (this.starts.size > 0 || this.children.size > 0 || this.finishes.size > 0) this.withDeferred(() => undefined, true);
  }

  private forget(id: number): void {
    this.starts.delete(id);
    this.children.delete(id);
    this.finishes.delete(id);
    this.committed.delete(id);
    this.claimed.delete(id);
  }

  private expect(changes: number, id: number, step: string): void {
    if (changes !== 1) throw new AppError('INTERNAL', `Job ${id} is no longer this process's to ${step}: another process took it over.`);
  }

  private schedule(): void {
    this.timer ??= this.deferTimer.schedule(() => {
      this.timer = undefined;
      this.flush();
    }, DEFER_MS);
  }

  /**
   * Runs a write in one transaction with the deferred starts and children (a start never overwrites the later state), and
   * with the deferred ends when `withEnds` (a job's own step stays a few rows; a hundred ends share one commit).
   */
  private withDeferred<T>(write: () => T, withEnds = false): T {
    const starts = [...this.starts];
    const children = [...this.children];
    const finishes = withEnds ? [...this.finishes] : [];
    this.starts.clear();
    this.children.clear();
    if (withEnds) this.finishes.clear();
    if (this.finishes.size === 0) {
      this.timer?.cancel();
      this.timer = undefined;
    }
    try {
      return this.db.transaction(() => {
        const now = this.now();
        for (const [id, ownerPid] of starts) this.sql.setRunning.run(null, now, id, ownerPid);
        for (const [id, [ownerPid, pid, command]] of children) this.sql.setChild.run(pid, command, id, ownerPid);
        for (const [id, finish] of finishes) this.writeFinish(id, ...finish);
        return write();
      }).immediate();
    } catch (error) {
      for (const [id, ownerPid] of starts) if (!this.starts.has(id)) this.starts.set(id, ownerPid);
      for (const [id, child] of children) if (!this.children.has(id)) this.children.set(id, child);
      for (const [id, finish] of finishes) if (!this.finishes.has(id)) this.finishes.set(id, finish);
      throw error;
    }
  }

  private writeFinish(id: number, ownerPid: number, report: JobReport, record: ConversionRecord | null, output: ConvertedOutput | null): boolean {
    const now = this.now();
    if (this.sql.setFinished.run(report.status, report.output, JSON.stringify(report), now, id, ownerPid).changes === 0) return false;
    if (record) this.telemetry.record(record);
    if (output) this.sql.insertOutput.run(output.outputPath, output.inputPath, output.inputSize, output.inputMtimeMs, output.requestKey, output.outputSize, now);
    return true;
  }

  setStoppedByUser(batchKey: string, stopped: boolean): void {
    this.sql.setStopped.run(stopped ? 1 : 0, batchKey);
  }

  removeFinishedBatches(before: number): void {
    this.sql.deleteFinished.run(before);
  }

  findOutputs(inputPath: string, requestKey: string): ConvertedOutput[] {
    return this.sql.selectOutputs.all(inputPath, requestKey) as ConvertedOutput[];
  }

  isConvertedOutput(file: string): boolean {
    return this.sql.selectOutput.get(file) !== undefined;
  }
}
