import { describe, expect, it } from 'vitest';
import { actualCostUsd, decideHybrid, predictedCostUsd, type HybridFacts } from '../../../main/core/hosted/hybridDecision';
import { HybridEstimator, runtimeForSize } from '../../../main/core/hosted/hybridEstimates';
import { ReachabilityCache } from '../../../main/core/hosted/reachability';
import { chooseMode } from '../../../main/core/hosted/routing';

const base: HybridFacts = {
  kind: 'video', neverUpload: false, reachable: true, overUploadLimit: false, localCapable: true,
  localRuntimeMs: 10_000, localBacklogMs: 0, localSlots: 1, hostedRuntimeMs: 12_000, hostedInFlight: 0, hostedCeiling: 20,
  costUsd: 0.002, budgetLeftUsd: 1,
};

describe('decideHybrid', () => {
  it('runs here when this machine is free: an idle local slot beats any upload', () => {
    expect(decideHybrid(base)).toEqual({ mode: 'local', reason: 'local-sooner' });
  });

  it('sends a job hosted when waiting for this machine would finish it later', () => {
    expect(decideHybrid({ ...base, localBacklogMs: 10_000 })).toEqual({ mode: 'hosted', reason: 'hosted-sooner' });
    // Two local slots halve the wait: 10 s of backlog is 5 s per slot, +10 s = 15 s > 12 s hosted.
    expect(decideHybrid({ ...base, localBacklogMs: 10_000, localSlots: 2 }).mode).toBe('hosted');
    expect(decideHybrid({ ...base, localBacklogMs: 2_000, localSlots: 2 }).mode).toBe('local');
  });

  it('never passes the budget, the plan ceiling, a private job or an unreachable API', () => {
    const busy = { ...base, localBacklogMs: 60_000 };
    expect(decideHybrid({ ...busy, budgetLeftUsd: 0.001 })).toEqual({ mode: 'local', reason: 'over-budget' });
    expect(decideHybrid({ ...busy, hostedInFlight: 20 })).toEqual({ mode: 'local', reason: 'plan-ceiling' });
    expect(decideHybrid({ ...busy, neverUpload: true })).toEqual({ mode: 'local', reason: 'private' });
    expect(decideHybrid({ ...busy, reachable: false })).toEqual({ mode: 'local', reason: 'offline' });
    expect(decideHybrid({ ...busy, overUploadLimit: true })).toEqual({ mode: 'local', reason: 'over-upload-limit' });
    expect(decideHybrid({ ...busy, costUsd: 0, budgetLeftUsd: 0 }).mode).toBe('hosted');
  });

  it('runs here without a local measurement for the pair, so that the job becomes one', () => {
    expect(decideHybrid({ ...base, localRuntimeMs: undefined, localBacklogMs: 1e9 })).toEqual({ mode: 'local', reason: 'no-local-timing' });
  });

  it('on a batch of 8 equal video jobs with one local slot and $0.006, sends 3 hosted and keeps the first one here', () => {
    let backlog = 0;
    let left = 0.006;
    const modes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = decideHybrid({ ...base, localBacklogMs: backlog, budgetLeftUsd: left });
      modes.push(decision.mode);
      if (decision.mode === 'local') backlog += 10_000;
      else left -= 0.002;
    }
    expect(modes).toEqual(['local', 'hosted', 'hosted', 'hosted', 'local', 'local', 'local', 'local']);
  });

  it('prices a hosted job like the plan: whole minutes (with a margin), at least one; images up to 10 MB free; failures free', () => {
    expect(predictedCostUsd('video', 5e6, 20_000)).toBeCloseTo(0.002, 9);
    expect(predictedCostUsd('video', 5e6, 60_000)).toBeCloseTo(0.004, 9);
    expect(predictedCostUsd('image', 10 * 1024 * 1024, 5_000)).toBe(0);
    expect(predictedCostUsd('image', 10 * 1024 * 1024 + 1, 5_000)).toBeCloseTo(0.002, 9);
    expect(actualCostUsd(0)).toBe(0);
    expect(actualCostUsd(3)).toBeCloseTo(0.006, 9);
  });

  it('auto and private: chooseMode never uploads a private job', () => {
    expect(chooseMode('hosted', { localCapable: true, hostedReachable: () => true, inputBytes: 1, neverUpload: true })).toBe('local');
    expect(chooseMode('auto', { localCapable: false, hostedReachable: () => true, inputBytes: 1, neverUpload: true })).toBe('local');
  });
});

describe('estimates from measurements', () => {
  it('scales this machine\'s runtime by size from the samples nearest in size', () => {
    const samples = [{ runtimeMs: 1_000, inputBytes: 1e6 }, { runtimeMs: 10_000, inputBytes: 1e7 }, { runtimeMs: 100_000, inputBytes: 1e8 }];
    expect(runtimeForSize(samples, 2e7)).toBeCloseTo(20_000, -2);
    expect(runtimeForSize([], 1e6)).toBeUndefined();
  });

  it('estimates a hosted job from the measured throughput and the service runtime for the pair', () => {
    const estimator = new HybridEstimator({
      localSamples: () => [{ runtimeMs: 8_000, inputBytes: 4e6 }],
      hostedSamples: () => [{ pair: 'MKV->MP4', inputBytes: 4e6, outputBytes: 2e6, uploadMs: 1_000, serviceMs: 3_000, downloadMs: 500 }],
      recordHosted: () => {},
    });
    expect(estimator.localRuntimeMs('MKV->MP4', 8e6)).toBe(16_000);
    const hosted = estimator.hosted('MKV->MP4', 8e6, 16_000);
    expect(hosted.uploadMs).toBeCloseTo(2_000, 0);
    expect(hosted.serviceMs).toBeCloseTo(6_000, 0);
    expect(hosted.downloadMs).toBeCloseTo(1_000, 0);
    // Another pair: no service measurement, so the service is assumed as fast as one local job.
    expect(estimator.hosted('WAV->MP3', 8e6, 16_000).serviceMs).toBe(16_000);
  });
});

describe('ReachabilityCache', () => {
  it('asks once for concurrent callers, remembers an answer for a while, and asks again after', async () => {
    let now = 0;
    let probes = 0;
    let answer = false;
    const cache = new ReachabilityCache(async () => {
      probes++;
      return answer;
    }, () => now);
    const url = new URL('https://api.example.test');
    expect(cache.known(url)).toBeUndefined();
    expect(await Promise.all([cache.check(url), cache.check(url)])).toEqual([false, false]);
    expect(probes).toBe(1);
    answer = true;
    now += 5_000;
    expect(await cache.check(url)).toBe(false);
    now += 6_000;
    expect(await cache.check(url)).toBe(true);
    expect(probes).toBe(2);
    now += 30_000;
    expect(cache.known(url)).toBe(true);
  });
});
