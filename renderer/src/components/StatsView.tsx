import { useEffect } from 'react';
import type { StatsView as Stats } from '../../../preload/contract';
import { formatPercent } from '../lib/format';
import { statsToCsv } from '../lib/statsCsv';
import { useStats, type StatsWindow } from '../stores/statsStore';

const WINDOWS: StatsWindow[] = ['1d', '7d', '14d', '30d'];

function PerDayChart({ stats }: { stats: Stats }) {
  const max = Math.max(1, ...stats.days.map((d) => d.succeeded + d.failed));
  const width = 560;
  const height = 140;
  const bar = width / stats.days.length;
  return (
    <figure>
      <figcaption>Conversions per day</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 18}`} role="img" aria-label="Conversions per day by status" className="chart">
        {stats.days.map((d, i) => {
          const ok = (d.succeeded / max) * height;
          const bad = (d.failed / max) * height;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.succeeded} succeeded, ${d.failed} failed`}</title>
              <rect x={i * bar + 2} y={height - ok} width={bar - 4} height={ok} className="bar-ok" />
              <rect x={i * bar + 2} y={height - ok - bad} width={bar - 4} height={bad} className="bar-failed" />
            </g>
          );
        })}
        <text x={0} y={height + 14} className="axis">{stats.days[0]?.date}</text>
        <text x={width} y={height + 14} textAnchor="end" className="axis">{stats.days.at(-1)?.date}</text>
      </svg>
    </figure>
  );
}

function RuntimeChart({ stats }: { stats: Stats }) {
  const pairs = stats.pairs.filter((p) => p.avgRuntimeMs !== null);
  const max = Math.max(1, ...pairs.map((p) => p.avgRuntimeMs ?? 0));
  return (
    <figure>
      <figcaption>Average runtime per pair</figcaption>
      <svg viewBox={`0 0 560 ${Math.max(1, pairs.length) * 24}`} role="img" aria-label="Average runtime per pair" className="chart">
        {pairs.map((p, i) => (
          <g key={p.pair}>
            <text x={0} y={i * 24 + 16} className="axis">{p.pair}</text>
            <rect x={110} y={i * 24 + 4} width={((p.avgRuntimeMs ?? 0) / max) * 380} height={16} className="bar-ok" />
            <text x={500} y={i * 24 + 16} className="axis">{p.avgRuntime}</text>
          </g>
        ))}
      </svg>
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

export function StatsView() {
  const { window, stats, error, setWindow, refresh } = useStats();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section className="stats-view" aria-label="Stats">
      <div className="toolbar" role="group" aria-label="Window">
        {WINDOWS.map((w) => (
          <button key={w} type="button" aria-pressed={w === window} onClick={() => void setWindow(w)}>{w}</button>
        ))}
        <button type="button" disabled={!stats} onClick={() => stats && exportCsv(stats)}>Export CSV</button>
      </div>
      {error && <p role="alert">{error}</p>}
      {stats && (
        <>
          <div className="headline">
            <div><strong data-testid="total-requests">{stats.totalRequests}</strong><span>requests</span></div>
            <div><strong>{stats.cohorts}</strong><span>cohorts</span></div>
            <div><strong>{stats.mostUsedPair ?? '–'}</strong><span>most used</span></div>
            <div><strong>{stats.billableMinutes}</strong><span>conversion minutes</span></div>
          </div>
          <p className="cost">Hosted cost ${stats.hostedCost.toFixed(3)} · converting locally saved ${stats.localSaving.toFixed(3)} (at $0.002 a minute) · data covers {stats.coveredDays} of {stats.windowDays} days</p>
          <table>
            <thead>
              <tr><th scope="col">Pair</th><th scope="col">Requests</th><th scope="col">Success</th><th scope="col">Errors</th><th scope="col">Avg runtime</th><th scope="col">Window</th></tr>
            </thead>
            <tbody>
              {stats.pairs.map((p) => (
                <tr key={p.pair}>
                  <th scope="row">{p.pair}</th><td>{p.requests}</td><td>{formatPercent(p.successRate)}</td><td>{formatPercent(p.errorRate)}</td><td>{p.avgRuntime ?? '–'}</td><td>{p.window}</td>
                </tr>
              ))}
              {stats.pairs.length === 0 && (
                <tr><td colSpan={6}>No conversions in this window yet.</td></tr>
              )}
            </tbody>
          </table>
          <div className="charts">
            <PerDayChart stats={stats} />
            <RuntimeChart stats={stats} />
          </div>
        </>
      )}
    </section>
  );
}
