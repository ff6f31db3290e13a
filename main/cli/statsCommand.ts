import { homedir } from 'node:os';
import { SettingsStore } from '../core/app/settingsStore.js';
import { dataDirectory } from '../core/dataDirectory.js';
import { monthOf } from '../core/hosted/hostedRecords.js';
import { formatRuntime } from '../core/durationText.js';
import { buildStats, dayOf, DAY_MS, hostedFacts, type HostedFacts, type Stats } from '../core/telemetry/stats.js';
import type { StatsArgs } from './args.js';
import { openStores } from './context.js';
import type { CliIo } from './io.js';

const pct = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)}%`);
const usd = (value: number) => `$${value.toFixed(3)}`;

/** The table the hosted service shows, with honest numbers, plus median and 95th percentile per mode, minutes and cost. */
export function formatStatsTable(stats: Stats & Partial<HostedFacts>): string {
  const header = ['Pair', 'Mode', 'Requests', 'Success', 'Errors', 'Avg runtime', 'Median', 'p95', 'Window'];
  const rows = [header];
  for (const p of stats.pairs) {
    rows.push([p.pair, 'all', String(p.requests), pct(p.successRate), pct(p.errorRate), formatRuntime(p.avgRuntimeMs), formatRuntime(p.p50RuntimeMs), formatRuntime(p.p95RuntimeMs), p.window]);
    if (p.byMode.length > 1) {
      for (const m of p.byMode) rows.push(['', m.mode, String(m.succeeded), '', '', formatRuntime(m.avgRuntimeMs), formatRuntime(m.p50RuntimeMs), formatRuntime(m.p95RuntimeMs), '']);
    } else if (p.byMode[0]) {
      rows[rows.length - 1]![1] = p.byMode[0].mode;
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i <= 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (stats.pairs.length === 0) lines.push('(no conversions in this window)');
  lines.push('');
  const cohorts = stats.hostedInUse !== false && stats.cohorts > 0 ? `   Cohorts: ${stats.cohorts}` : '';
  lines.push(`Conversions: ${stats.totalRequests}${cohorts}   Most used: ${stats.mostUsedPair ?? '–'}   Data covers ${stats.coveredDays} of ${stats.windowDays} days`);
  lines.push(`Time spent converting: ${formatRuntime(stats.timeSpentMs)} (successful jobs, paused time left out)`);
  const hostedCost = stats.hostedInUse === false ? '' : `   Hosted cost: ${usd(stats.hostedCost)}`;
  lines.push(`Billable minutes: ${stats.billableMinutes} (the hosted plan's count: whole minutes per job, images up to 10 MB free)${hostedCost}   Saved by converting locally: ${usd(stats.localSaving)} (at $0.002 per minute)`);
  if (stats.hostedSpend) {
    const s = stats.hostedSpend;
    lines.push(`Hosted spend ${s.month}: ${usd(s.spentUsd)}${s.reservedUsd > 0 ? ` (+${usd(s.reservedUsd)} reserved)` : ''} of the ${usd(s.budgetUsd)} hybrid budget`);
  }
  return lines.join('\n');
}

export async function statsCommand(args: StatsArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    const now = Date.now();
    const today = dayOf(now);
    const from = today - args.windowDays + 1;
    const stats = buildStats(stores.telemetry.totals(from, today), args.windowDays, today, stores.telemetry.runtimes(from * DAY_MS, (today + 1) * DAY_MS));
    const month = monthOf(now);
    const spend = stores.hosted.month(month);
    const saved = new SettingsStore(dataDirectory(process.env, process.platform, homedir())).get();
    const spent = { month, spentUsd: spend.settledUsd, reservedUsd: spend.reservedUsd, budgetUsd: saved.hybridBudgetUsd };
    const facts = hostedFacts(stats, saved.mode, spent);
    // --json keeps the month's spend whatever the mode; the table shows the budget line only where it means something.
    const withSpend = { ...stats, ...facts, hostedSpend: spent };
    io.stdout(args.json ? JSON.stringify(withSpend) : formatStatsTable({ ...stats, ...facts }));
    return 0;
  } finally {
    stores.close();
  }
}
