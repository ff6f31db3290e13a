import { describe, expect, it } from 'vitest';
import { DAY_MS, buildStats, dayOf, parseWindow } from '../../../main/core/telemetry/stats';
import type { RangeTotals } from '../../../main/core/telemetry/ports';

type PairTotals = RangeTotals['pairs'][number];
const pair = (overrides: Partial<PairTotals>): PairTotals => ({
  pair: 'MP4->MP3', succeeded: 0, failed: 0, cancelled: 0, succeededRuntimeMs: 0, billableMinutes: 0, localBillableMinutes: 0, hostedBillableMinutes: 0, ...overrides,
} as PairTotals);
const totals = (overrides: Partial<RangeTotals>): RangeTotals => ({ pairs: [], days: [], cohorts: 0, firstDay: undefined, ...overrides } as RangeTotals);

describe('stats math', () => {
  it('counts requests as succeeded + failed, rates to one decimal, average runtime over successes only', () => {
    const stats = buildStats(totals({ pairs: [pair({ succeeded: 2, failed: 1, cancelled: 4, succeededRuntimeMs: 190_000, billableMinutes: 4 })] }), 14, 100);
    expect(stats.pairs[0]).toMatchObject({ requests: 3, successRate: 66.7, errorRate: 33.3, avgRuntimeMs: 95_000, avgRuntime: '1 min 35 s', cancelled: 4, billableMinutes: 4, window: '14d' });
    expect(stats.totalRequests).toBe(3);
  });

  it('has no rates or average without requests, and keeps a pair that was only cancelled', () => {
    const stats = buildStats(totals({ pairs: [pair({ cancelled: 1 }), pair({ pair: 'X->Y' })] }), 7, 100);
    expect(stats.pairs).toHaveLength(1);
    expect(stats.pairs[0]).toMatchObject({ requests: 0, successRate: null, errorRate: null, avgRuntimeMs: null, avgRuntime: null });
    expect(stats.mostUsedPair).toBeNull();
  });

  it('sorts pairs by requests, then by name, and names the most used one', () => {
    const stats = buildStats(totals({ pairs: [pair({ pair: 'B', succeeded: 1 }), pair({ pair: 'A', succeeded: 1 }), pair({ pair: 'C', failed: 3 })] }), 7, 100);
    expect(stats.pairs.map((p) => p.pair)).toEqual(['C', 'A', 'B']);
    expect(stats.mostUsedPair).toBe('C');
  });

  it('prices hosted minutes at $0.002 and what local minutes saved, and adds both to the minutes', () => {
    const stats = buildStats(totals({ pairs: [pair({ succeeded: 1, localBillableMinutes: 7, hostedBillableMinutes: 3 }), pair({ pair: 'Z', succeeded: 1, localBillableMinutes: 1 })] }), 7, 100);
    expect(stats).toMatchObject({ billableMinutes: 11, hostedCost: 0.006, localSaving: 0.016 });
  });

  it('lists every day of the window oldest first with zeros, and covers days since the first conversion', () => {
    const today = dayOf(Date.UTC(2026, 0, 10, 15));
    const stats = buildStats(totals({ days: [{ day: today - 1, succeeded: 2, failed: 1, cancelled: 0 }] as RangeTotals['days'], firstDay: today - 1 }), 3, today);
    expect(stats.days).toEqual([
      { date: '2026-01-08', succeeded: 0, failed: 0, cancelled: 0 },
      { date: '2026-01-09', succeeded: 2, failed: 1, cancelled: 0 },
      { date: '2026-01-10', succeeded: 0, failed: 0, cancelled: 0 },
    ]);
    expect(stats.coveredDays).toBe(2);
    expect(buildStats(totals({ firstDay: today - 40 }), 3, today).coveredDays).toBe(3);
    expect(buildStats(totals({}), 3, today).coveredDays).toBe(0);
  });

  it('parses windows of 1 to 3650 days and refuses anything else', () => {
    expect(parseWindow(' 14d ')).toBe(14);
    expect(parseWindow('1d')).toBe(1);
    expect(parseWindow('3650d')).toBe(3650);
    for (const bad of ['0d', '3651d', '14', 'd', '1.5d', '-1d', '14w', '14dd', 'x14d']) expect(() => parseWindow(bad), bad).toThrow(/--window/);
    expect(dayOf(DAY_MS * 3 - 1)).toBe(2);
    expect(dayOf(DAY_MS * 3)).toBe(3);
  });
});
