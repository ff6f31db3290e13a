import { formatRuntime } from '../billing.js';
import type { RangeTotals } from './ports.js';

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
  billableMinutes: number;
  /** What the hosted plan bills for the hosted minutes. */
  hostedCost: number;
  /** What the hosted plan would have billed for the conversions done locally. */
  localSaving: number;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const money = (value: number) => Math.round(value * 1e6) / 1e6;

/** Turns stored totals into the numbers users see. Requests count succeeded and failed jobs; cancelled ones are shown apart. */
export function buildStats(totals: RangeTotals, windowDays: number, today: number): Stats {
  const window = `${windowDays}d`;
  const pairs = totals.pairs
    .map((p): PairStats => {
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
    hostedCost: money(hosted * COST_PER_MINUTE),
    localSaving: money(local * COST_PER_MINUTE),
  };
}
