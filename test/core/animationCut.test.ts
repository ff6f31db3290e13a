import { describe, expect, it } from 'vitest';
import { cutAnimation } from '../../main/core/engine/plan/animationCut';

const sum = (delays: readonly number[]) => delays.reduce((a, b) => a + b, 0);

/** Which frames of an animation a cut keeps, and for how long each is shown. */
describe('cutAnimation', () => {
  // Frames shown 0-300, 300-500, 500-600, 600-1000, 1000-1500 ms.
  const delays = [300, 200, 100, 400, 500];

  it('keeps the frames shown in the cut, the first and last shortened where the cut falls inside them', () => {
    const cut = cutAnimation(delays, { from: 0.1, until: 1.1 });
    expect(cut).toMatchObject({ first: 0, count: 5, delaysMs: [200, 200, 100, 400, 100] });
    expect(sum(cut.delaysMs)).toBe(1000);
    expect(cut.note).toBe('Cut from 00:00:00.1 to 00:00:01.1: frames 1 to 5 of 5.');
  });

  it('a cut on frame edges keeps those frames whole; --until alone starts at 0 and --from alone runs to the end', () => {
    expect(cutAnimation(delays, { from: 0.3, until: 1 })).toMatchObject({ first: 1, count: 3, delaysMs: [200, 100, 400] });
    expect(cutAnimation(delays, { until: 0.5 })).toMatchObject({ first: 0, count: 2, delaysMs: [300, 200] });
    expect(cutAnimation(delays, { from: 0.6 })).toMatchObject({ first: 3, count: 2, delaysMs: [400, 500] });
    expect(cutAnimation(delays, { from: 0.7, until: 0.8 })).toMatchObject({ first: 3, count: 1, delaysMs: [100] });
  });

  it('counts a delay of at most 10 ms as the 100 ms viewers show it for', () => {
    const cut = cutAnimation([0, 0, 10, 0], { from: 0.15, until: 0.35 });
    expect(cut).toMatchObject({ first: 1, count: 3, delaysMs: [50, 100, 50] });
  });

  it('gives a sliver of a frame (under 20 ms, which a GIF cannot show) to its neighbour', () => {
    const cut = cutAnimation(delays, { from: 0.295, until: 0.605 });
    expect(cut).toMatchObject({ first: 1, count: 2, delaysMs: [205, 105] });
    expect(sum(cut.delaysMs)).toBe(310);
  });

  it('refuses a cut past the end with the sentence a video gets', () => {
    expect(() => cutAnimation(delays, { from: 1.5 })).toThrow('This file lasts 00:00:01.5, so it cannot start at 00:00:01.5.');
    expect(() => cutAnimation(delays, { from: 1, until: 2 })).toThrow('This file lasts 00:00:01.5, so it cannot end at 00:00:02.');
  });
});
