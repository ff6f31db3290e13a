import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../main/core/scheduling/scheduler';

describe('reordering queued jobs', () => {
  it('starts queued jobs in the order they were moved to, and leaves running ones alone', async () => {
    const started: string[] = [];
    const scheduler = new Scheduler<string>({ total: 1, perLane: { audio: 1 } }, { now: () => 0 });
    scheduler.pause();
    const ids = ['a', 'b', 'c', 'd'].map((name) => scheduler.enqueue('audio', async () => (started.push(name), name)));
    const [a, b, c, d] = ids as [number, number, number, number];
    expect(scheduler.moveQueued(d, a)).toBe(true); // d to the top
    expect(scheduler.moveQueued(b, undefined)).toBe(true); // b last
    expect(scheduler.moveQueued(c, d)).toBe(true); // c before d
    scheduler.resume();
    await scheduler.whenIdle();
    expect(started).toEqual(['c', 'd', 'a', 'b']);
    expect(scheduler.moveQueued(a, undefined)).toBe(false);
  });
});
