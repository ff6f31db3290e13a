import { describe, expect, it } from 'vitest';
import { hostedConcurrencyLimits, hostedLane, HOSTED_UPLOAD_LIMIT_BYTES } from '../../../main/core/hosted/hostedPlan';
import { chooseMode } from '../../../main/core/hosted/routing';
import { Scheduler } from '../../../main/core/scheduling/scheduler';

describe('chooseMode', () => {
  const facts = { localCapable: true, hostedReachable: () => true, inputBytes: 1000 };
  it('obeys an explicit choice', () => {
    expect(chooseMode('local', { ...facts, localCapable: false })).toBe('local');
    expect(chooseMode('hosted', facts)).toBe('hosted');
  });
  it('auto: hosted only when this machine cannot do the job, the API answers and the file fits', () => {
    expect(chooseMode('auto', facts)).toBe('local');
    expect(chooseMode('auto', { ...facts, localCapable: false })).toBe('hosted');
    expect(chooseMode('auto', { ...facts, localCapable: false, hostedReachable: () => false })).toBe('local');
    expect(chooseMode('auto', { ...facts, localCapable: false, inputBytes: HOSTED_UPLOAD_LIMIT_BYTES + 1 })).toBe('local');
  });
});

describe('hosted concurrency', () => {
  it('keeps at most 20 video and 40 audio requests in flight, images unbounded', async () => {
    const scheduler = new Scheduler<number>(hostedConcurrencyLimits(), { now: () => 0 });
    const release: (() => void)[] = [];
    const task = () => new Promise<number>((resolve) => release.push(() => resolve(1)));
    for (let i = 0; i < 30; i++) scheduler.enqueue(hostedLane('video'), task);
    for (let i = 0; i < 50; i++) scheduler.enqueue(hostedLane('audio'), task);
    for (let i = 0; i < 200; i++) scheduler.enqueue(hostedLane('image'), task);
    await new Promise((r) => setTimeout(r, 10));
    expect(scheduler.runningCount(hostedLane('video'))).toBe(20);
    expect(scheduler.runningCount(hostedLane('audio'))).toBe(40);
    expect(scheduler.runningCount(hostedLane('image'))).toBe(200);
    while (release.length > 0) {
      release.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 1));
    }
    await scheduler.whenIdle();
  });
});
