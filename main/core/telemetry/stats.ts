import { formatRuntime } from '../durationText.js';
import { CONVERSION_MODES, type ConversionMode, type ModePreference } from '../modes.js';
import type { RangeTotals, RuntimeRow } from './ports.js';

export const COST_PER_MINUTE = 0.002;
export const DAY_MS = 86_400_000;

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `14d` -> 14. Throws on anything else. */
export function parseWindow(text: string): number {
  const match = /^(\d{1,4})d$/.exec(text.trim());
  const days = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error(`--window takes a number of days like 14d (1d to 3650d), not "${text}"`);
  return days;
}

/** One pair's successful runtimes in one mode. */
export interface ModeRuntimes {
  mode: ConversionMode;
  succeeded: number;
  avgRuntimeMs: number | null;
  p50RuntimeMs: number | null;
  p95RuntimeMs: number | null;
}

/** The nearest-rank percentile (`p` in 0..100) of values; null without values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function modeRuntimes(mode: ConversionMode, values: readonly number[]): ModeRuntimes {
  return {
    mode,
    succeeded: values.length,
    avgRuntimeMs: values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length),
    p50RuntimeMs: percentile(values, 50),
    p95RuntimeMs: percentile(values, 95),
  };
}

export interface PairStats {
  pair: string;
  requests: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Percent of succeeded + failed, one decimal; null without requests. */
  successRate: number | null;
  errorRate: number | null;
  avgRuntimeMs: number | null;
  avgRuntime: string | null;
  /** Median and 95th percentile of successful runtimes (from the rows kept; null once pruned). */
  p50RuntimeMs: number | null;
  p95RuntimeMs: number | null;
  /** The same per mode (local, hosted), only for modes the pair ran in. */
  byMode: ModeRuntimes[];
  billableMinutes: number;
  window: string;
}

export interface DayStats {
  /** YYYY-MM-DD (UTC). */
  date: string;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface Stats {
  window: string;
  windowDays: number;
  /** Days from the first conversion in the window to today, at most windowDays. */
  coveredDays: number;
  totalRequests: number;
  cohorts: number;
  mostUsedPair: string | null;
  pairs: PairStats[];
  /** Every day of the window, oldest first, zeros included: for the chart of conversions per day. */
  days: DayStats[];
  /** What the hosted plan's rule counts (whole minutes per job, images up to 10 MB free): not time spent. */
  billableMinutes: number;
  /** Time the successful conversions took, paused time left out. */
  timeSpentMs: number;
  /** What the hosted plan bills for the hosted minutes. */
  hostedCost: number;
  /** What the hosted plan would have billed for the conversions done locally. */
  localSaving: number;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const money = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * Turns stored totals into the numbers users see. Requests count succeeded and failed jobs; cancelled ones
 * are shown apart. `runtimes` (successful rows of the window) give the median and 95th percentile per pair and mode.
 */
export function buildStats(totals: RangeTotals, windowDays: number, today: number, runtimes: readonly RuntimeRow[] = []): Stats {
  const window = `${windowDays}d`;
  const byPair = new Map<string, { all: number[]; local: number[]; hosted: number[] }>();
  for (const row of runtimes) {
    const entry = byPair.get(row.pair) ?? { all: [], local: [], hosted: [] };
    entry.all.push(row.runtimeMs);
    entry[row.mode].push(row.runtimeMs);
    byPair.set(row.pair, entry);
  }
  const pairs = totals.pairs
    .map((p): PairStats => {
      const rows = byPair.get(p.pair);
      const decided = p.succeeded + p.failed;
      const avg = p.succeeded > 0 ? Math.round(p.succeededRuntimeMs / p.succeeded) : null;
      return {
        pair: p.pair,
        requests: decided,
        succeeded: p.succeeded,
        failed: p.failed,
        cancelled: p.cancelled,
        successRate: percent(p.succeeded, decided),
        errorRate: percent(p.failed, decided),
        avgRuntimeMs: avg,
        avgRuntime: avg === null ? null : formatRuntime(avg),
        p50RuntimeMs: percentile(rows?.all ?? [], 50),
        p95RuntimeMs: percentile(rows?.all ?? [], 95),
        byMode: rows ? CONVERSION_MODES.filter((m) => rows[m].length > 0).map((m) => modeRuntimes(m, rows[m])) : [],
        billableMinutes: p.billableMinutes,
        window,
      };
    })
    .filter((p) => p.requests + p.cancelled > 0)
    .sort((a, b) => b.requests - a.requests || a.pair.localeCompare(b.pair));
  const local = totals.pairs.reduce((n, p) => n + p.localBillableMinutes, 0);
  const hosted = totals.pairs.reduce((n, p) => n + p.hostedBillableMinutes, 0);
  return {
    window,
    windowDays,
    coveredDays: totals.firstDay === undefined ? 0 : Math.min(windowDays, today - totals.firstDay + 1),
    totalRequests: pairs.reduce((n, p) => n + p.requests, 0),
    cohorts: totals.cohorts,
    mostUsedPair: pairs[0] && pairs[0].requests > 0 ? pairs[0].pair : null,
    pairs,
    days: Array.from({ length: windowDays }, (_, i) => {
      const day = today - windowDays + 1 + i;
      const found = totals.days.find((d) => d.day === day);
      return { date: new Date(day * DAY_MS).toISOString().slice(0, 10), succeeded: found?.succeeded ?? 0, failed: found?.failed ?? 0, cancelled: found?.cancelled ?? 0 };
    }),
    billableMinutes: local + hosted,
    timeSpentMs: totals.pairs.reduce((n, p) => n + p.succeededRuntimeMs, 0),
    hostedCost: money(hosted * COST_PER_MINUTE),
    localSaving: money(local * COST_PER_MINUTE),
  };
}

/** This month's hosted spend against the hybrid budget. */
export interface HostedSpend {
  month: string;
  spentUsd: number;
  reservedUsd: number;
  budgetUsd: number;
}

/** What the stats show about the hosted API, if anything: nothing (no cohorts, no budget) for someone who only converts here. */
export interface HostedFacts {
  /** A mode that uses the hosted API is chosen, or hosted jobs or spend are on record. */
  hostedInUse: boolean;
  /** The hybrid budget line: when hybrid is chosen or money was spent or reserved this month. */
  hostedSpend?: HostedSpend;
}

export function hostedFacts(stats: Stats, mode: ModePreference, spend: HostedSpend): HostedFacts {
  const spent = spend.spentUsd > 0 || spend.reservedUsd > 0;
  const hostedJobs = stats.pairs.some((p) => p.byMode.some((m) => m.mode === 'hosted')) || stats.hostedCost > 0;
  return {
    hostedInUse: mode !== 'local' || hostedJobs || spent,
    ...(mode === 'hybrid' || spent ? { hostedSpend: spend } : {}),
  };
}
