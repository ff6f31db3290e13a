import { describe, expect, it } from 'vitest';
import { PLAN_CEILINGS, concurrencyLimits } from '../../main/core/scheduling/concurrency';

const GiB = 2 ** 30;

describe('concurrencyLimits', () => {
  it('keeps a 2-core laptop to two x264 encodes and two jobs in all at a time (pictures two per core, at half a share), however high the plan allows', () => {
    const share = { video: 1, audio: 1, image: 0.5 };
    const ceiling = PLAN_CEILINGS;
    expect(concurrencyLimits({ cores: 2, totalMemoryBytes: 16 * GiB })).toEqual({ perLane: { video: 2, audio: 2, image: 4 }, total: 2, share, ceiling });
    expect(concurrencyLimits({ cores: 1, totalMemoryBytes: 16 * GiB })).toEqual({ perLane: { video: 1, audio: 1, image: 2 }, total: 1, share, ceiling });
    expect(concurrencyLimits({ cores: 8, totalMemoryBytes: 16 * GiB }).perLane.video).toBe(4);
  });

  it('never exceeds the hosted plan (20 video, 40 audio) even on a huge machine', () => {
    const limits = concurrencyLimits({ cores: 128, totalMemoryBytes: 1024 * GiB });
    expect(limits.perLane.video).toBe(PLAN_CEILINGS.video);
    expect(limits.perLane.audio).toBe(40);
    expect(limits.perLane.image).toBe(256);
    // Sound jobs sharing one ffmpeg process take a quarter of a slot each; the plan still bounds how many run.
    expect(limits.ceiling.audio).toBe(40);
  });

  it('lets memory cap the ceilings on a small machine', () => {
    expect(concurrencyLimits({ cores: 16, totalMemoryBytes: 2 * GiB }).perLane.video).toBe(1);
  });
});
