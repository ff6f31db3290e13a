import { describe, expect, it } from 'vitest';
import { billableMinutes } from '../../main/core/telemetry/billing';

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
