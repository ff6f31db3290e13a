import { describe, expect, it } from 'vitest';
import { StabilityTracker } from '../../../main/core/watch/stabilityTracker';

describe('stability tracker (fake clock)', () => {
  const options = { stableForMs: 1000, emptyFileFactor: 4 };

  it('calls a file stable only after size and mtime stay unchanged for the whole interval', () => {
    const tracker = new StabilityTracker(options);
    expect(tracker.observe('a', { size: 10, mtimeMs: 1 }, 0)).toBe('settling');
    expect(tracker.observe('a', { size: 10, mtimeMs: 1 }, 999)).toBe('settling');
    expect(tracker.observe('a', { size: 10, mtimeMs: 1 }, 1000)).toBe('stable');
  });

  it('starts over whenever the file grows or is touched', () => {
    const tracker = new StabilityTracker(options);
    tracker.observe('a', { size: 10, mtimeMs: 1 }, 0);
    expect(tracker.observe('a', { size: 20, mtimeMs: 2 }, 900)).toBe('settling');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 1800)).toBe('settling');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 2700)).toBe('settling');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 2800)).toBe('stable');
  });

  it('waits longer for an empty file, which is usually a copy that has not started', () => {
    const tracker = new StabilityTracker(options);
    tracker.observe('e', { size: 0, mtimeMs: 1 }, 0);
    expect(tracker.observe('e', { size: 0, mtimeMs: 1 }, 3999)).toBe('settling');
    expect(tracker.observe('e', { size: 0, mtimeMs: 1 }, 4000)).toBe('stable');
  });

  it('reports a vanished file and forgets it', () => {
    const tracker = new StabilityTracker(options);
    tracker.observe('a', { size: 1, mtimeMs: 1 }, 0);
    expect(tracker.observe('a', undefined, 500)).toBe('gone');
    expect(tracker.size).toBe(0);
    expect(tracker.observe('a', { size: 1, mtimeMs: 1 }, 2000)).toBe('settling');
  });

  it('tracks files independently', () => {
    const tracker = new StabilityTracker(options);
    tracker.observe('a', { size: 1, mtimeMs: 1 }, 0);
    tracker.observe('b', { size: 1, mtimeMs: 1 }, 600);
    expect(tracker.observe('a', { size: 1, mtimeMs: 1 }, 1200)).toBe('stable');
    expect(tracker.observe('b', { size: 1, mtimeMs: 1 }, 1200)).toBe('settling');
  });
});
