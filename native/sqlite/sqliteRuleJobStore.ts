import type { JobReport } from '../../main/core/jobs/jobReport.js';
import { isUnfinished, UNFINISHED_STATES, type JobState } from '../../main/core/jobs/jobModel.js';
import { ruleBatchKey, type NewJob, type QueuedJob } from '../../main/core/queue/ports.js';
import type { FileFingerprint, RuleActivity, RuleJobSighting, RuleJobStore } from '../../main/core/watch/ports.js';
import { normalizeOptions } from '../../main/core/engine/plan/conversionOptions.js';
import type { SqliteDatabase } from './openDatabase.js';
import { JOB_COLUMNS, toJob, type Row } from './sqliteQueueStore.js';

function sighting(row: { id: number; state: JobState } | undefined): RuleJobSighting | undefined {
  if (!row) return undefined;
  const state = isUnfinished(row.state) ? 'unfinished' : row.state === 'succeeded' || row.state === 'skipped' ? 'done' : 'failed';
  return { id: row.id, state };
}

/**
 * A rule's questions to `queue_jobs`: its jobs are those of its batch, one per distinct content. Reads first
 * write what the queue store deferred (`flush`), so that a job just committed reads as done.
 */
export class SqliteRuleJobStore implements RuleJobStore {
  private readonly sql;

  constructor(private readonly db: SqliteDatabase, private readonly flush: () => void, private readonly now: () => number = Date.now) {
    this.sql = {
      bySighting: db.prepare('SELECT id, state FROM queue_jobs WHERE batch_key = ? AND input_path = ? AND input_size = ? AND input_mtime_ms = ? AND content_hash IS NOT NULL'),
      byHash: db.prepare('SELECT id, state FROM queue_jobs WHERE batch_key = ? AND content_hash = ?'),
      byOutput: db.prepare('SELECT 1 FROM queue_jobs WHERE batch_key = ? AND output_path = ? AND content_hash IS NOT NULL LIMIT 1'),
      setSighting: db.prepare('UPDATE queue_jobs SET input_path = ?, input_size = ?, input_mtime_ms = ? WHERE id = ?'),
      insertBatch: db.prepare("INSERT INTO queue_batches (batch_key, origin, rule_id, created_at) VALUES (?, 'rule', ?, ?) ON CONFLICT (batch_key) DO NOTHING"),
      insert: db.prepare(`INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, cohort, options_json, state, owner_pid, lease_expires_at, scratch_dir, temp_path,
          content_hash, input_size, input_mtime_ms, created_at, updated_at)
        VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM queue_jobs WHERE batch_key = ?), ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (batch_key, content_hash) WHERE content_hash IS NOT NULL DO NOTHING`),
      byId: db.prepare(`SELECT ${JOB_COLUMNS} FROM queue_jobs WHERE id = ?`),
      deleteReleased: db.prepare("DELETE FROM queue_jobs WHERE batch_key = ? AND state = 'queued' AND owner_pid IS NULL"),
      deleteFailures: db.prepare("DELETE FROM queue_jobs WHERE batch_key = @key AND state = 'failed' AND (@path IS NULL OR input_path = @path) RETURNING input_path AS path"),
      counts: db.prepare('SELECT state, COUNT(*) AS n, MAX(updated_at) AS at FROM queue_jobs WHERE batch_key = ? GROUP BY state'),
      failures: db.prepare("SELECT input_path AS path, result_json, updated_at AS at FROM queue_jobs WHERE batch_key = ? AND state = 'failed' ORDER BY updated_at DESC, id DESC LIMIT ?"),
    };
  }

  findBySighting(ruleId: number, path: string, size: number, mtimeMs: number): RuleJobSighting | undefined {
    this.flush();
    return sighting(this.sql.bySighting.get(ruleBatchKey(ruleId), path, size, mtimeMs) as { id: number; state: JobState } | undefined);
  }

  findByHash(ruleId: number, hash: string): RuleJobSighting | undefined {
    this.flush();
    return sighting(this.sql.byHash.get(ruleBatchKey(ruleId), hash) as { id: number; state: JobState } | undefined);
  }

  isOwnOutput(ruleId: number, path: string): boolean {
    this.flush();
    return this.sql.byOutput.get(ruleBatchKey(ruleId), path) !== undefined;
  }

  noteSighting(id: number, path: string, size: number, mtimeMs: number): void {
    this.sql.setSighting.run(path, size, mtimeMs, id);
  }

  add(ruleId: number, file: FileFingerprint, job: Omit<NewJob, 'inputPath'>, claim: { ownerPid: number; leaseExpiresAt: number; scratchDir: string; tempPath: string }): QueuedJob | undefined {
    const key = ruleBatchKey(ruleId);
    const now = this.now();
    return this.db.transaction(() => {
      this.sql.insertBatch.run(key, ruleId, now);
      const result = this.sql.insert.run(key, key, file.path, job.target, job.outputDir, job.cohort, JSON.stringify(normalizeOptions(job.options)), claim.ownerPid, claim.leaseExpiresAt, claim.scratchDir, claim.tempPath,
        file.hash, file.size, file.mtimeMs, now, now);
      return result.changes === 0 ? undefined : toJob(this.sql.byId.get(result.lastInsertRowid) as Row);
    }).immediate();
  }

  forgetReleased(ruleId: number): number {
    return this.sql.deleteReleased.run(ruleBatchKey(ruleId)).changes;
  }

  forgetFailures(ruleId: number, path?: string): string[] {
    return (this.sql.deleteFailures.all({ key: ruleBatchKey(ruleId), path: path ?? null }) as { path: string }[]).map((r) => r.path);
  }

  activity(ruleId: number, failureLimit = 20): RuleActivity {
    this.flush();
    const key = ruleBatchKey(ruleId);
    const rows = this.sql.counts.all(key) as { state: JobState; n: number; at: number }[];
    const count = (states: readonly string[]) => rows.filter((r) => states.includes(r.state)).reduce((sum, r) => sum + r.n, 0);
    const finished = rows.filter((r) => !isUnfinished(r.state));
    const failures = (this.sql.failures.all(key, failureLimit) as { path: string; result_json: string | null; at: number }[]).map((row) => {
      const error = row.result_json ? (JSON.parse(row.result_json) as JobReport).error : null;
      return { path: row.path, code: error?.code ?? 'INTERNAL', message: error?.message ?? '', at: row.at };
    });
    return {
      lastActivityAt: finished.length > 0 ? Math.max(...finished.map((r) => r.at)) : null,
      converted: count(['succeeded', 'skipped']),
      failed: count(['failed']),
      inProgress: count(UNFINISHED_STATES),
      failures,
    };
  }
}
