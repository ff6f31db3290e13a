import type { ConversionMode } from '../engine/run/fileConverter.js';

export type ConversionStatus = 'succeeded' | 'failed' | 'cancelled';

/** One finished conversion, as telemetry keeps it: no file names, no raw label. */
export interface ConversionRecord {
  finishedAt: number;
  pair: string;
  mode: ConversionMode;
  status: ConversionStatus;
  errorCode: string | null;
  runtimeMs: number;
  inputBytes: number | null;
  outputBytes: number | null;
  billableMinutes: number;
  cohort: string | null;
}

/** Totals of one pair over a range of days, as the store aggregates them. */
export interface PairTotals {
  pair: string;
  requests: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  succeededRuntimeMs: number;
  billableMinutes: number;
  localBillableMinutes: number;
  hostedBillableMinutes: number;
}

export interface DayTotals {
  day: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface RangeTotals {
  pairs: PairTotals[];
  /** Days with any conversion, oldest first. */
  days: DayTotals[];
  cohorts: number;
  /** First day (days since the Unix epoch, UTC) with any conversion in the range. */
  firstDay: number | undefined;
}

/** One successful conversion's runtime, for medians and percentiles. */
export interface RuntimeRow {
  pair: string;
  mode: ConversionMode;
  runtimeMs: number;
}

export interface TelemetryStore {
  record(record: ConversionRecord): void;
  /** Totals for the days [fromDay, toDay], both included. */
  totals(fromDay: number, toDay: number): RangeTotals;
  /** Runtimes of successful conversions finished in [fromMs, toMs) (rows past retention are gone). */
  runtimes?(fromMs: number, toMs: number): RuntimeRow[];
  /** Removes conversion rows finished before `beforeMs`; daily aggregates stay. Returns how many went. */
  prune(beforeMs: number): number;
}
