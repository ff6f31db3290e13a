import { describe, expect, it } from 'vitest';
import { billableMinutes, formatRuntime } from '../../main/core/telemetry/billing';

describe('billableMinutes', () => {
  it('rounds a success up to whole minutes, at least one', () => {
    expect(billableMinutes({ succeeded: true, runtimeMs: 1, kind: 'video', inputBytes: 1 })).toBe(1);
    expect(billableMinutes({ succeeded: true, runtimeMs: 60_000, kind: 'audio', inputBytes: 1 })).toBe(1);
    expect(billableMinutes({ succeeded: true, runtimeMs: 60_001, kind: 'audio', inputBytes: 1 })).toBe(2);
  });
  it('charges nothing for failures or images up to 10 MB', () => {
    expect(billableMinutes({ succeeded: false, runtimeMs: 500_000, kind: 'video', inputBytes: 1 })).toBe(0);
    expect(billableMinutes({ succeeded: true, runtimeMs: 5_000, kind: 'image', inputBytes: 10 * 1024 * 1024 })).toBe(0);
    expect(billableMinutes({ succeeded: true, runtimeMs: 5_000, kind: 'image', inputBytes: 10 * 1024 * 1024 + 1 })).toBe(1);
  });
});

describe('formatRuntime', () => {
  it('prints minutes and seconds from seconds', () => {
    expect(formatRuntime(95_000)).toBe('1m 35s');
    expect(formatRuntime(4_400)).toBe('0m 4s');
    expect(formatRuntime(3_600_000)).toBe('60m 0s');
  });

  it('prints a sub-second runtime in milliseconds, not "0m 0s"', () => {
    expect(formatRuntime(340)).toBe('340 ms');
    expect(formatRuntime(0)).toBe('0 ms');
    expect(formatRuntime(999.4)).toBe('999 ms');
    expect(formatRuntime(999.6)).toBe('0m 1s');
  });
});
