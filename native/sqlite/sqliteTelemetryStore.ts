import { dayOf } from '../../main/core/telemetry/stats.js';
import type { ConversionRecord, DayTotals, PairTotals, RangeTotals, RuntimeRow, TelemetryStore } from '../../main/core/telemetry/ports.js';
import type { RuntimeSample } from '../../main/core/hosted/hostedRecords.js';
import type { SqliteDatabase } from './openDatabase.js';

/** Telemetry in SQLite: one row per conversion, daily aggregates kept by a trigger so rollups stay fast at millions of rows. */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly sql;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = {
      insert: db.prepare(`
      INSERT INTO conversions (finished_at, day, pair, mode, status, error_code, runtime_ms, input_bytes, output_bytes, billable_minutes, cohort)
      VALUES (@finishedAt, @day, @pair, @mode, @status, @errorCode, @runtimeMs, @inputBytes, @outputBytes, @billableMinutes, @cohort)`),
      pairTotals: db.prepare(`
      SELECT pair,
             SUM(succeeded + failed) AS requests, SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(cancelled) AS cancelled,
             SUM(succeeded_runtime_ms) AS succeededRuntimeMs, SUM(billable_minutes) AS billableMinutes,
             SUM(CASE WHEN mode = 'local' THEN billable_minutes ELSE 0 END) AS localBillableMinutes,
             SUM(CASE WHEN mode = 'hosted' THEN billable_minutes ELSE 0 END) AS hostedBillableMinutes
      FROM conversion_daily WHERE day BETWEEN ? AND ? GROUP BY pair`),
      cohortCount: db.prepare('SELECT COUNT(DISTINCT cohort) AS n FROM cohort_days WHERE day BETWEEN ? AND ?'),
      dayTotals: db.prepare(`SELECT day, SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(cancelled) AS cancelled
      FROM conversion_daily WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day`),
      pruneRows: db.prepare('DELETE FROM conversions WHERE finished_at < ?'),
    };
  }

  record(record: ConversionRecord): void {
    this.sql.insert.run({ ...record, day: dayOf(record.finishedAt), runtimeMs: Math.max(0, Math.round(record.runtimeMs)) });
  }

  totals(fromDay: number, toDay: number): RangeTotals {
    const pairs = this.sql.pairTotals.all(fromDay, toDay) as PairTotals[];
    const cohorts = (this.sql.cohortCount.get(fromDay, toDay) as { n: number }).n;
    const days = this.sql.dayTotals.all(fromDay, toDay) as DayTotals[];
    return { pairs, days, cohorts, firstDay: days[0]?.day };
  }

  /** Runtimes of successful conversions finished in [fromMs, toMs), for medians and percentiles. */
  runtimes(fromMs: number, toMs: number): RuntimeRow[] {
    return this.db.prepare(`SELECT pair, mode, runtime_ms AS runtimeMs FROM conversions
      WHERE status = 'succeeded' AND finished_at >= ? AND finished_at < ?`).all(fromMs, toMs) as RuntimeRow[];
  }

  /** The latest successful local conversions of a pair that know their input size, newest first. */
  localSamples(pair: string, limit: number): RuntimeSample[] {
    return this.db.prepare(`SELECT runtime_ms AS runtimeMs, input_bytes AS inputBytes FROM conversions
      WHERE pair = ? AND mode = 'local' AND status = 'succeeded' AND input_bytes > 0 ORDER BY finished_at DESC LIMIT ?`).all(pair, limit) as RuntimeSample[];
  }

  prune(beforeMs: number): number {
    return this.sql.pruneRows.run(beforeMs).changes;
  }
}
