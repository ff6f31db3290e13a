import type { StatsView } from '../../../preload/contract';

const quote = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The per-pair table as CSV, with the window in every row. */
export function statsToCsv(stats: StatsView): string {
  const header = ['pair', 'requests', 'succeeded', 'failed', 'cancelled', 'success_rate_percent', 'error_rate_percent', 'avg_runtime_ms', 'avg_runtime', 'billable_minutes', 'window'];
  const rows = stats.pairs.map((p) => [p.pair, p.requests, p.succeeded, p.failed, p.cancelled, p.successRate, p.errorRate, p.avgRuntimeMs, p.avgRuntime, p.billableMinutes, p.window]);
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}
