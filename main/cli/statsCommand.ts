import { buildStats, dayOf, type Stats } from '../core/telemetry/stats.js';
import type { StatsArgs } from './args.js';
import { openStores } from './context.js';
import type { CliIo } from './io.js';

const pct = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)}%`);
const usd = (value: number) => `$${value.toFixed(3)}`;

/** The table the hosted service shows, with honest numbers, plus minutes and cost. */
export function formatStatsTable(stats: Stats): string {
  const rows = [['Pair', 'Requests', 'Success', 'Errors', 'Avg runtime', 'Window'], ...stats.pairs.map((p) => [p.pair, String(p.requests), pct(p.successRate), pct(p.errorRate), p.avgRuntime ?? '-', p.window])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (stats.pairs.length === 0) lines.push('(no conversions in this window)');
  lines.push('');
  lines.push(`Requests: ${stats.totalRequests}   Cohorts: ${stats.cohorts}   Most used: ${stats.mostUsedPair ?? '-'}   Data covers ${stats.coveredDays} of ${stats.windowDays} days`);
  lines.push(`Conversion minutes: ${stats.billableMinutes}   Hosted cost: ${usd(stats.hostedCost)}   Saved by converting locally: ${usd(stats.localSaving)} (at $0.002 per minute)`);
  return lines.join('\n');
}

export async function statsCommand(args: StatsArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    const today = dayOf(Date.now());
    const stats = buildStats(stores.telemetry.totals(today - args.windowDays + 1, today), args.windowDays, today);
    io.stdout(args.json ? JSON.stringify(stats) : formatStatsTable(stats));
    return 0;
  } finally {
    stores.close();
  }
}
