import { describe, expect, it } from 'vitest';
import { formatRuntime, formatTimeLeft } from '../../main/core/durationText';

describe('a runtime in words (terminal and window alike)', () => {
  it('says nothing was spent at 0, and counts milliseconds under a second', () => {
    expect(formatRuntime(0)).toBe('0 s');
    expect(formatRuntime(0.4)).toBe('0 s');
    expect(formatRuntime(0.6)).toBe('1 ms');
    expect(formatRuntime(340)).toBe('340 ms');
    expect(formatRuntime(999.4)).toBe('999 ms');
  });

  it('shows tenths under ten seconds, rounded before the unit is chosen', () => {
    expect(formatRuntime(999.6)).toBe('1.0 s');
    expect(formatRuntime(4_400)).toBe('4.4 s');
    expect(formatRuntime(9_949)).toBe('9.9 s');
    expect(formatRuntime(9_950)).toBe('10 s');
  });

  it('rounds to whole seconds before it splits minutes: 59.5 s is 1 min 0 s, never 60 s', () => {
    expect(formatRuntime(12_000)).toBe('12 s');
    expect(formatRuntime(59_499)).toBe('59 s');
    expect(formatRuntime(59_500)).toBe('1 min 0 s');
    expect(formatRuntime(95_000)).toBe('1 min 35 s');
    expect(formatRuntime(3_599_499)).toBe('59 min 59 s');
  });

  it('counts hours and minutes from an hour on: 1612m 35s reads 26 h 53 min', () => {
    expect(formatRuntime(3_599_500)).toBe('1 h 0 min');
    expect(formatRuntime(3_600_000)).toBe('1 h 0 min');
    expect(formatRuntime(5_400_000)).toBe('1 h 30 min');
    expect(formatRuntime((1612 * 60 + 35) * 1000)).toBe('26 h 53 min');
    expect(formatRuntime((59 * 60 + 59.6) * 60_000)).toBe('60 h 0 min');
  });

  it('marks an unknown runtime with a dash', () => {
    expect(formatRuntime(null)).toBe('–');
    expect(formatRuntime(undefined)).toBe('–');
    expect(formatRuntime(Number.NaN)).toBe('–');
  });
});

describe('time left in words (terminal and window alike)', () => {
  it('is almost done under a second, including at 0', () => {
    expect(formatTimeLeft(0)).toBe('almost done');
    expect(formatTimeLeft(0.4)).toBe('almost done');
  });

  it('rounds up to whole seconds before it splits minutes: 59.5 s left is 1 min 0 s, never 60 s', () => {
    expect(formatTimeLeft(1)).toBe('1 s left');
    expect(formatTimeLeft(42)).toBe('42 s left');
    expect(formatTimeLeft(59)).toBe('59 s left');
    expect(formatTimeLeft(59.5)).toBe('1 min 0 s left');
    expect(formatTimeLeft(119.5)).toBe('2 min 0 s left');
    expect(formatTimeLeft(125)).toBe('2 min 5 s left');
  });

  it('counts hours and minutes from an hour on, never promising less than is left', () => {
    expect(formatTimeLeft(3599.5)).toBe('1 h 0 min left');
    expect(formatTimeLeft(3601)).toBe('1 h 1 min left');
    expect(formatTimeLeft(96_755)).toBe('26 h 53 min left');
  });

  it('is empty when there is no estimate', () => {
    expect(formatTimeLeft(null)).toBe('');
    expect(formatTimeLeft(undefined)).toBe('');
    expect(formatTimeLeft(Number.POSITIVE_INFINITY)).toBe('');
  });
});
