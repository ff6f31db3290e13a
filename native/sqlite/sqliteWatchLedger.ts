import type { JobReport } from '../../main/core/jobs/jobReport.js';
import type { ConversionRecord, TelemetryStore } from '../../main/core/telemetry/ports.js';
import type { FileFingerprint, LedgerEntry, LedgerState, RuleActivity, WatchLedger } from '../../main/core/watch/ports.js';
import { AppError } from '../../main/core/errors.js';
import { UNFINISHED_STATES } from '../../main/core/jobs/jobModel.js';
import { BEFORE_COMMIT_SQL, UNFINISHED_SQL } from './jobStates.js';
import type { SqliteDatabase } from './openDatabase.js';

interface Row {
  id: number;
  rule_id: number;
  content_hash: string;
  path: string;
  size: number;
  mtime_ms: number;
  state: LedgerState;
  owner_pid: number | null;
  lease_expires_at: number | null;
  scratch_dir: string | null;
  child_pid: number | null;
  child_command: string | null;
  temp_path: string | null;
  output_path: string | null;
  report_json: string | null;
  error_code: string | null;
  error_message: string | null;
  updated_at: number;
}

function toEntry(row: Row): LedgerEntry {
  return {
    id: row.id,
    ruleId: row.rule_id,
    hash: row.content_hash,
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    state: row.state,
    ownerPid: row.owner_pid,
    leaseExpiresAt: row.lease_expires_at,
    scratchDir: row.scratch_dir,
    childPid: row.child_pid,
    childCommand: row.child_command,
    tempPath: row.temp_path,
    outputPath: row.output_path,
    report: row.report_json ? (JSON.parse(row.report_json) as JobReport) : null,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    updatedAt: row.updated_at,
  };
}

/** The watch ledger; ending an entry, its telemetry row and the rule's last activity are one transaction. */
export class SqliteWatchLedger implements WatchLedger {
  private readonly bySighting;
  private readonly byHash;
  private readonly byOutput;
  private readonly insert;
  private readonly byId;
  private readonly setSighting;
  private readonly setRunning;
  private readonly takeOverEntry;
  private readonly renew;
  private readonly setChild;
  private readonly setCommitting;
  private readonly setSucceeded;
  private readonly setFailed;
  private readonly deleteEntry;
  private readonly selectUnfinished;
  private readonly selectFailures;
  private readonly deleteFailures;
  private readonly touchRule;
  private readonly counts;
  private readonly lastActivity;

  constructor(private readonly db: SqliteDatabase, private readonly telemetry: TelemetryStore, private readonly now: () => number = Date.now) {
    this.bySighting = db.prepare('SELECT * FROM watch_ledger WHERE rule_id = ? AND path = ? AND size = ? AND mtime_ms = ?');
    this.byHash = db.prepare('SELECT * FROM watch_ledger WHERE rule_id = ? AND content_hash = ?');
    this.byOutput = db.prepare('SELECT 1 FROM watch_ledger WHERE rule_id = ? AND output_path = ? LIMIT 1');
    this.insert = db.prepare(`INSERT INTO watch_ledger (rule_id, content_hash, path, size, mtime_ms, state, owner_pid, lease_expires_at, scratch_dir, updated_at)
      VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (rule_id, content_hash) DO NOTHING`);
    this.takeOverEntry = db.prepare('UPDATE watch_ledger SET owner_pid = ?, lease_expires_at = ? WHERE id = ? AND state = ? AND owner_pid IS ? AND lease_expires_at IS ?');
    this.renew = db.prepare(`UPDATE watch_ledger SET lease_expires_at = ? WHERE owner_pid = ? AND state IN ${UNFINISHED_SQL}`);
    this.setChild = db.prepare(`UPDATE watch_ledger SET child_pid = ?, child_command = ? WHERE id = ? AND owner_pid = ? AND state IN ${UNFINISHED_SQL}`);
    this.byId = db.prepare('SELECT * FROM watch_ledger WHERE id = ?');
    this.setSighting = db.prepare('UPDATE watch_ledger SET path = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?');
    this.setRunning = db.prepare(`UPDATE watch_ledger SET state = 'running', temp_path = ?, updated_at = ? WHERE id = ? AND owner_pid = ? AND state IN ${BEFORE_COMMIT_SQL}`);
    this.setCommitting = db.prepare(`UPDATE watch_ledger SET state = 'committing', output_path = ?, report_json = ?, updated_at = ? WHERE id = ? AND owner_pid = ? AND state IN ${UNFINISHED_SQL}`);
    this.setSucceeded = db.prepare(`UPDATE watch_ledger SET state = 'succeeded', output_path = ?, report_json = ?, temp_path = NULL, owner_pid = NULL, lease_expires_at = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL, updated_at = ? WHERE id = ? AND state IN ${UNFINISHED_SQL}`);
    this.setFailed = db.prepare(`UPDATE watch_ledger SET state = 'failed', error_code = ?, error_message = ?, temp_path = NULL, owner_pid = NULL, lease_expires_at = NULL, scratch_dir = NULL, child_pid = NULL, child_command = NULL, updated_at = ? WHERE id = ? AND state IN ${UNFINISHED_SQL}`);
    this.deleteEntry = db.prepare('DELETE FROM watch_ledger WHERE id = ?');
    this.selectUnfinished = db.prepare(`SELECT * FROM watch_ledger WHERE rule_id = ? AND state IN ${UNFINISHED_SQL} ORDER BY id`);
    this.selectFailures = db.prepare("SELECT * FROM watch_ledger WHERE rule_id = ? AND state = 'failed' ORDER BY updated_at DESC, id DESC");
    this.deleteFailures = db.prepare("DELETE FROM watch_ledger WHERE rule_id = ? AND state = 'failed' AND (? IS NULL OR path = ?) RETURNING path");
    this.touchRule = db.prepare('UPDATE watch_rules SET last_activity_at = ? WHERE id = (SELECT rule_id FROM watch_ledger WHERE id = ?)');
    this.counts = db.prepare('SELECT state, COUNT(*) AS n FROM watch_ledger WHERE rule_id = ? GROUP BY state');
    this.lastActivity = db.prepare('SELECT last_activity_at AS at FROM watch_rules WHERE id = ?');
  }

  findBySighting(ruleId: number, path: string, size: number, mtimeMs: number): LedgerEntry | undefined {
    const row = this.bySighting.get(ruleId, path, size, mtimeMs) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  findByHash(ruleId: number, hash: string): LedgerEntry | undefined {
    const row = this.byHash.get(ruleId, hash) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  isOwnOutput(ruleId: number, path: string): boolean {
    return this.byOutput.get(ruleId, path) !== undefined;
  }

  claim(ruleId: number, file: FileFingerprint, owner: { pid: number; leaseExpiresAt: number; scratchDir: string }): LedgerEntry | undefined {
    const result = this.insert.run(ruleId, file.hash, file.path, file.size, file.mtimeMs, owner.pid, owner.leaseExpiresAt, owner.scratchDir, this.now());
    if (result.changes === 0) return undefined;
    return toEntry(this.byId.get(result.lastInsertRowid) as Row);
  }

  takeOver(entry: LedgerEntry, ownerPid: number, leaseExpiresAt: number): boolean {
    return this.takeOverEntry.run(ownerPid, leaseExpiresAt, entry.id, entry.state, entry.ownerPid, entry.leaseExpiresAt).changes === 1;
  }

  renewLeases(ownerPid: number, leaseExpiresAt: number): void {
    this.renew.run(leaseExpiresAt, ownerPid);
  }

  markChild(id: number, ownerPid: number, child: { pid: number; command: string } | null): void {
    this.setChild.run(child?.pid ?? null, child?.command ?? null, id, ownerPid);
  }

  noteSighting(id: number, path: string, size: number, mtimeMs: number): void {
    this.setSighting.run(path, size, mtimeMs, this.now(), id);
  }

  markRunning(id: number, ownerPid: number, tempPath: string): void {
    this.expect(this.setRunning.run(tempPath, this.now(), id, ownerPid).changes, id);
  }

  markCommitting(id: number, ownerPid: number, outputPath: string, report: JobReport): void {
    this.expect(this.setCommitting.run(outputPath, JSON.stringify(report), this.now(), id, ownerPid).changes, id);
  }

  private expect(changes: number, id: number): void {
    if (changes !== 1) throw new AppError('INTERNAL', `Batch-folder job ${id} is no longer this process's: another process took it over.`);
  }

  succeed(id: number, outputPath: string, report: JobReport, record: ConversionRecord | null): void {
    this.db.transaction(() => {
      const now = this.now();
      if (this.setSucceeded.run(outputPath, JSON.stringify(report), now, id).changes === 0) return;
      this.touchRule.run(now, id);
      if (record) this.telemetry.record(record);
    })();
  }

  fail(id: number, error: { code: string; message: string }, record: ConversionRecord): void {
    this.db.transaction(() => {
      const now = this.now();
      if (this.setFailed.run(error.code, error.message, now, id).changes === 0) return;
      this.touchRule.run(now, id);
      this.telemetry.record(record);
    })();
  }

  release(id: number): void {
    this.deleteEntry.run(id);
  }

  unfinished(ruleId: number): LedgerEntry[] {
    return (this.selectUnfinished.all(ruleId) as Row[]).map(toEntry);
  }

  forgetFailures(ruleId: number, path?: string): string[] {
    const only = path ?? null;
    return (this.deleteFailures.all(ruleId, only, only) as { path: string }[]).map((r) => r.path);
  }

  activity(ruleId: number, failureLimit = 20): RuleActivity {
    const byState = new Map((this.counts.all(ruleId) as { state: LedgerState; n: number }[]).map((r) => [r.state, r.n]));
    const failures = (this.selectFailures.all(ruleId) as Row[]).slice(0, failureLimit).map((row) => ({
      path: row.path,
      code: row.error_code ?? 'INTERNAL',
      message: row.error_message ?? '',
      at: row.updated_at,
    }));
    return {
      lastActivityAt: (this.lastActivity.get(ruleId) as { at: number | null } | undefined)?.at ?? null,
      converted: byState.get('succeeded') ?? 0,
      failed: byState.get('failed') ?? 0,
      inProgress: UNFINISHED_STATES.reduce((sum, state) => sum + (byState.get(state) ?? 0), 0),
      failures,
    };
  }
}
