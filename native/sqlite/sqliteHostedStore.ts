import type {
  BatchRouting, HostedJobRecord, HostedSample, HostedWorkStore, MonthSpend, RoutingHistory, SpendLedger,
} from '../../main/core/hosted/hostedRecords.js';
import type { ModePreference } from '../../main/core/hosted/routing.js';
import type { SqliteDatabase } from './openDatabase.js';

/** Hosted spend, hosted timings, batch routing and accepted hosted jobs (migration 6). */
export class SqliteHostedStore implements SpendLedger, Omit<RoutingHistory, 'localSamples'>, HostedWorkStore {
  constructor(private readonly db: SqliteDatabase) {}

  reserve(month: string, usd: number, budgetUsd: number, ownerPid: number, now: number): number | null {
    return this.db.transaction(() => {
      const spent = this.month(month);
      if (spent.settledUsd + spent.reservedUsd + usd > budgetUsd + 1e-9) return null;
      const result = this.db.prepare("INSERT INTO hosted_spend (month, state, usd, owner_pid, created_at, updated_at) VALUES (?, 'reserved', ?, ?, ?, ?)").run(month, usd, ownerPid, now, now);
      return Number(result.lastInsertRowid);
    }).immediate();
  }

  settle(id: number, usd: number, now: number): void {
    this.db.prepare("UPDATE hosted_spend SET state = 'settled', usd = ?, owner_pid = NULL, updated_at = ? WHERE id = ?").run(usd, now, id);
  }

  record(month: string, usd: number, now: number): void {
    this.db.prepare("INSERT INTO hosted_spend (month, state, usd, owner_pid, created_at, updated_at) VALUES (?, 'settled', ?, NULL, ?, ?)").run(month, usd, now, now);
  }

  month(month: string): MonthSpend {
    return this.db.prepare(`SELECT COALESCE(SUM(CASE WHEN state = 'settled' THEN usd END), 0) AS settledUsd,
      COALESCE(SUM(CASE WHEN state = 'reserved' THEN usd END), 0) AS reservedUsd FROM hosted_spend WHERE month = ?`).get(month) as MonthSpend;
  }

  releaseAbandoned(isAlive: (pid: number) => boolean): number {
    const rows = this.db.prepare("SELECT id, owner_pid AS pid FROM hosted_spend WHERE state = 'reserved'").all() as { id: number; pid: number | null }[];
    const gone = rows.filter((r) => r.pid === null || !isAlive(r.pid));
    const remove = this.db.prepare('DELETE FROM hosted_spend WHERE id = ?');
    this.db.transaction(() => gone.forEach((r) => remove.run(r.id)))();
    return gone.length;
  }

  hostedSamples(limit: number): HostedSample[] {
    return this.db.prepare(`SELECT pair, input_bytes AS inputBytes, output_bytes AS outputBytes, upload_ms AS uploadMs, service_ms AS serviceMs,
      download_ms AS downloadMs FROM hosted_samples ORDER BY finished_at DESC, id DESC LIMIT ?`).all(limit) as HostedSample[];
  }

  recordHosted(sample: HostedSample, finishedAt: number): void {
    const ms = (value: number) => Math.max(0, Math.round(value));
    this.db.prepare(`INSERT INTO hosted_samples (finished_at, pair, input_bytes, output_bytes, upload_ms, service_ms, download_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(finishedAt, sample.pair, sample.inputBytes, sample.outputBytes, ms(sample.uploadMs), ms(sample.serviceMs), ms(sample.downloadMs));
  }

  saveRouting(batchKey: string, routing: BatchRouting, now: number): void {
    this.db.prepare(`INSERT INTO batch_routing (batch_key, mode, api_url, never_upload, budget_usd, strip_photo_metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (batch_key) DO UPDATE SET mode = excluded.mode, api_url = excluded.api_url, never_upload = excluded.never_upload,
        budget_usd = excluded.budget_usd, strip_photo_metadata = excluded.strip_photo_metadata, created_at = excluded.created_at`)
      .run(batchKey, routing.mode, routing.apiUrl, routing.neverUpload ? 1 : 0, routing.budgetUsd, routing.stripPhotoMetadata ? 1 : 0, now);
  }

  routing(batchKey: string): BatchRouting | undefined {
    const row = this.db.prepare(`SELECT mode, api_url AS apiUrl, never_upload AS neverUpload, budget_usd AS budgetUsd, strip_photo_metadata AS strip,
      created_at AS savedAt FROM batch_routing WHERE batch_key = ?`).get(batchKey) as { mode: ModePreference; apiUrl: string | null; neverUpload: number; budgetUsd: number | null; strip: number; savedAt: number } | undefined;
    return row ? { mode: row.mode, apiUrl: row.apiUrl, budgetUsd: row.budgetUsd, neverUpload: row.neverUpload === 1, stripPhotoMetadata: row.strip === 1, savedAt: row.savedAt } : undefined;
  }

  forgetRouting(batchKey: string): void {
    this.db.prepare('DELETE FROM batch_routing WHERE batch_key = ?').run(batchKey);
  }

  saveJob(jobKey: string, job: HostedJobRecord, now: number): void {
    this.db.prepare(`INSERT INTO hosted_jobs (job_key, api_origin, server_id, status_url, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (job_key) DO UPDATE SET api_origin = excluded.api_origin, server_id = excluded.server_id, status_url = excluded.status_url`)
      .run(jobKey, job.apiOrigin, job.serverId, job.statusUrl, now);
  }

  job(jobKey: string): HostedJobRecord | undefined {
    return this.db.prepare('SELECT api_origin AS apiOrigin, server_id AS serverId, status_url AS statusUrl FROM hosted_jobs WHERE job_key = ?').get(jobKey) as HostedJobRecord | undefined;
  }

  forgetJob(jobKey: string): void {
    this.db.prepare('DELETE FROM hosted_jobs WHERE job_key = ?').run(jobKey);
  }
}
