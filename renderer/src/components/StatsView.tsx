import { useEffect, useRef, useState } from 'react';
import type { StatsView as Stats } from '../../../preload/contract';
import { niceTicks } from '../lib/chartScale';
import { formatPercent } from '../lib/format';
import { formatRuntime } from '../../../main/core/durationText';
import { statsToCsv } from '../lib/statsCsv';
import { useStats, type StatsWindow } from '../stores/statsStore';

const WINDOWS: StatsWindow[] = ['1d', '7d', '14d', '30d'];

/** The width a chart really has, so that it draws in screen pixels and its 12 px labels stay 12 px at any window size. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(480);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(240, Math.floor(element.clientWidth))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

const shortDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

function Legend({ items }: { items: [string, string][] }) {
  return (
    <ul className="legend">
      {items.map(([swatch, label]) => <li key={label}><span className={`swatch ${swatch}`} aria-hidden="true" />{label}</li>)}
    </ul>
  );
}

/** Conversions per UTC day, stacked by status, with a count axis, each day's total above its bar and a legend. */
function PerDayChart({ stats }: { stats: Stats }) {
  const [ref, width] = useWidth();
  const days = stats.days;
  const ticks = niceTicks(Math.max(1, ...days.map((d) => d.succeeded + d.failed + d.cancelled)));
  const top = ticks.at(-1)!;
  const left = 36;
  const plotHeight = 150;
  const height = plotHeight + 44;
  const slot = (width - left - 8) / Math.max(1, days.length);
  const barWidth = Math.min(48, Math.max(4, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.floor((width - left) / 56)));
  const y = (value: number) => 16 + plotHeight - (value / top) * plotHeight;
  const totals = days.reduce((sum, d) => ({ ok: sum.ok + d.succeeded, failed: sum.failed + d.failed, cancelled: sum.cancelled + d.cancelled }), { ok: 0, failed: 0, cancelled: 0 });
  return (
    <figure>
      <figcaption>Conversions per day (UTC)</figcaption>
      <div ref={ref} className="chart-box">
        <svg width={width} height={height} role="img" aria-label={`Conversions per day over ${days.length} day${days.length === 1 ? '' : 's'}: ${totals.ok} succeeded, ${totals.failed} failed, ${totals.cancelled} cancelled`} className="chart" data-testid="per-day-chart">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={left} x2={width - 4} y1={y(t)} y2={y(t)} className="grid" />
              <text x={left - 6} y={y(t) + 4} textAnchor="end">{t}</text>
            </g>
          ))}
          {days.map((d, i) => {
            const x = left + i * slot + (slot - barWidth) / 2;
            const total = d.succeeded + d.failed + d.cancelled;
            const stack: [number, string][] = [[d.succeeded, 'bar-ok'], [d.failed, 'bar-failed'], [d.cancelled, 'bar-cancelled']];
            let base = 0;
            return (
              <g key={d.date}>
                <title>{`${d.date}: ${d.succeeded} succeeded, ${d.failed} failed, ${d.cancelled} cancelled`}</title>
                {stack.map(([n, className]) => {
                  const rect = <rect key={className} x={x} y={y(base + n)} width={barWidth} height={y(base) - y(base + n)} className={className} />;
                  base += n;
                  return n > 0 ? rect : null;
                })}
                {total > 0 && <text x={x + barWidth / 2} y={y(total) - 4} textAnchor="middle" className="value">{total}</text>}
                {i % labelEvery === 0 && <text x={x + barWidth / 2} y={height - 8} textAnchor="middle">{shortDate(d.date)}</text>}
              </g>
            );
          })}
        </svg>
      </div>
      <Legend items={[['ok', 'Succeeded'], ['failed', 'Failed'], ['cancelled', 'Cancelled']]} />
    </figure>
  );
}

/** Average runtime of successful jobs per pair: one labelled bar each, its value beside it, and a seconds axis. */
function RuntimeChart({ stats }: { stats: Stats }) {
  const [ref, width] = useWidth();
  const pairs = stats.pairs.filter((p) => p.avgRuntimeMs !== null);
  const ticksMs = niceTicks(Math.max(1, ...pairs.map((p) => p.avgRuntimeMs ?? 0)) / 1000).map((s) => s * 1000);
  const top = ticksMs.at(-1)!;
  const left = 120;
  const right = 64;
  const row = 26;
  const height = Math.max(1, pairs.length) * row + 28;
  const x = (ms: number) => left + (ms / top) * (width - left - right);
  return (
    <figure>
      <figcaption>Average runtime per pair (successful jobs)</figcaption>
      <div ref={ref} className="chart-box">
        <svg width={width} height={height} role="img" aria-label={`Average runtime per pair: ${pairs.map((p) => `${p.pair} ${p.avgRuntime}`).join(', ') || 'no successful jobs yet'}`} className="chart" data-testid="runtime-chart">
          {ticksMs.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={0} y2={height - 22} className="grid" />
              <text x={x(t)} y={height - 6} textAnchor="middle">{formatRuntime(t)}</text>
            </g>
          ))}
          {pairs.map((p, i) => (
            <g key={p.pair}>
              <text x={left - 8} y={i * row + 17} textAnchor="end" className="value">{p.pair}</text>
              <rect x={left} y={i * row + 4} width={Math.max(2, x(p.avgRuntimeMs ?? 0) - left)} height={18} className="bar-runtime" />
              <text x={x(p.avgRuntimeMs ?? 0) + 6} y={i * row + 17} className="value">{p.avgRuntime}</text>
            </g>
          ))}
          {pairs.length === 0 && <text x={left} y={17}>No successful conversions in this window yet.</text>}
        </svg>
      </div>
      <Legend items={[['runtime', 'Average runtime of successful jobs']]} />
    </figure>
  );
}

function exportCsv(stats: Stats) {
  const url = URL.createObjectURL(new Blob([statsToCsv(stats)], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `convertr-stats-${stats.window}.csv`;
  link.click();
  URL.revokeObjectURL(url);
}

const byModeText = (modes: Stats['pairs'][number]['byMode']) => (modes ?? []).map((m) => `${m.mode}: median ${formatRuntime(m.p50RuntimeMs)}, p95 ${formatRuntime(m.p95RuntimeMs)}`).join('; ');

export function StatsView() {
  const { window, stats, error, setWindow, refresh } = useStats();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section className="stats-view" aria-label="Stats">
      <div className="toolbar" role="group" aria-label="Time window">
        {WINDOWS.map((w) => (
          <button key={w} type="button" aria-pressed={w === window} onClick={() => void setWindow(w)}>{w === '1d' ? '1 day' : `${w.slice(0, -1)} days`}</button>
        ))}
        <button type="button" disabled={!stats} onClick={() => stats && exportCsv(stats)}>Export CSV</button>
      </div>
      {error && <p role="alert">{error}</p>}
      {stats && (
        <>
          <div className="headline">
            <div><strong data-testid="total-requests">{stats.totalRequests}</strong><span>{stats.totalRequests === 1 ? 'conversion' : 'conversions'}</span></div>
            {stats.hostedInUse !== false && stats.cohorts > 0 && <div data-testid="cohorts"><strong>{stats.cohorts}</strong><span>{stats.cohorts === 1 ? 'client label' : 'client labels'} (cohorts)</span></div>}
            <div><strong>{stats.mostUsedPair ?? '–'}</strong><span>most used</span></div>
            <div><strong data-testid="time-spent">{formatRuntime(stats.timeSpentMs ?? 0)}</strong><span>time spent converting</span></div>
            <div><strong data-testid="billable-minutes">{stats.billableMinutes}</strong><span>billable minutes</span></div>
          </div>
          <p className="hint stats-note">Time spent is how long successful conversions took, paused time left out. Billable minutes are what the hosted plan would count: whole minutes per job, pictures up to 10 MB free.</p>
          <p className="cost">{stats.hostedInUse === false ? '' : `Hosted cost $${stats.hostedCost.toFixed(3)} · `}Converting here saved ${stats.localSaving.toFixed(3)} (at $0.002 a minute) · data covers {stats.coveredDays} of {stats.windowDays} days</p>
          {stats.hostedSpend && <p className="cost" data-testid="hosted-spend">Hosted spend {stats.hostedSpend.month}: ${stats.hostedSpend.spentUsd.toFixed(3)}{stats.hostedSpend.reservedUsd > 0 ? ` (+$${stats.hostedSpend.reservedUsd.toFixed(3)} reserved)` : ''} of the ${stats.hostedSpend.budgetUsd.toFixed(3)} hybrid budget</p>}
          {/* In a narrow window the table scrolls sideways in its own box, which the keyboard can scroll too. */}
          <div className="stats-table" role="region" aria-label="Conversions per pair" tabIndex={0}>
          <table>
            <thead>
              <tr><th scope="col">Pair</th><th scope="col">Conversions</th><th scope="col">Success</th><th scope="col">Errors</th><th scope="col">Avg runtime</th><th scope="col">Median</th><th scope="col">p95</th><th scope="col">Window</th></tr>
            </thead>
            <tbody>
              {stats.pairs.map((p) => (
                <tr key={p.pair}>
                  <th scope="row">{p.pair}</th><td>{p.requests}</td><td>{formatPercent(p.successRate)}</td><td>{formatPercent(p.errorRate)}</td><td>{p.avgRuntime ?? '–'}</td><td title={byModeText(p.byMode)}>{formatRuntime(p.p50RuntimeMs)}</td><td title={byModeText(p.byMode)}>{formatRuntime(p.p95RuntimeMs)}</td><td>{p.window}</td>
                </tr>
              ))}
              {stats.pairs.length === 0 && (
                <tr><td colSpan={8}>No conversions in this window yet.</td></tr>
              )}
            </tbody>
          </table>
          </div>
          <div className="charts">
            <PerDayChart stats={stats} />
            <RuntimeChart stats={stats} />
          </div>
        </>
      )}
    </section>
  );
}
