import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../renderer/src/lib/format';
import { statsToCsv } from '../../renderer/src/lib/statsCsv';

describe('stats CSV export', () => {
  it('writes one row per pair with the window, quoting where needed', () => {
    const csv = statsToCsv({
      window: '14d', windowDays: 14, coveredDays: 2, totalRequests: 3, cohorts: 1, mostUsedPair: 'HEIC->JPG', billableMinutes: 2, hostedCost: 0, localSaving: 0.004, days: [],
      pairs: [
        { pair: 'HEIC->JPG', requests: 2, succeeded: 1, failed: 1, cancelled: 0, successRate: 50, errorRate: 50, avgRuntimeMs: 1500, avgRuntime: '1.5 s', billableMinutes: 0, window: '14d' },
        { pair: 'MP4->MP3', requests: 1, succeeded: 1, failed: 0, cancelled: 0, successRate: 100, errorRate: 0, avgRuntimeMs: 95000, avgRuntime: '1 min 35 s', billableMinutes: 2, window: '14d' },
      ],
    });
    expect(csv.split('\n')).toEqual([
      'pair,requests,succeeded,failed,cancelled,success_rate_percent,error_rate_percent,avg_runtime_ms,avg_runtime,billable_minutes,window',
      'HEIC->JPG,2,1,1,0,50,50,1500,1.5 s,0,14d',
      'MP4->MP3,1,1,0,0,100,0,95000,1 min 35 s,2,14d',
      '',
    ]);
  });
});

describe('display formatting', () => {
  it('prints sizes', () => {
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(null)).toBe('–');
  });
});
