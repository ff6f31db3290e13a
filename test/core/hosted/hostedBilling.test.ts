import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/errors';
import { mayFollow } from '../../../main/core/hosted/hostedClient';
import { errorForFailure, leavesAcceptedJobPending } from '../../../main/core/hosted/hostedErrors';
import { predictedCostUsd, reservationUsd } from '../../../main/core/hosted/hybridDecision';
import { estimateFromProbe } from '../../../main/core/hosted/hybridEstimates';
import { ExchangeFailure } from '../../../main/core/hosted/httpExchange';
import { PairBilling } from '../../../main/core/hosted/pairBilling';

describe('an estimate of this machine before any job of the pair finished here', () => {
  const clip = { durationSeconds: 8, video: { codec: 'mpeg4', width: 1280, height: 720, frameRate: 30 } };
  it('grows with duration and pixels, and costs more for a heavier codec or encoder', () => {
    const base = estimateFromProbe(clip, 'mp4', true);
    expect(base).toBeGreaterThan(1_000);
    expect(base).toBeLessThan(20_000);
    expect(estimateFromProbe({ ...clip, durationSeconds: 16 }, 'mp4', true)).toBeGreaterThan(base * 1.8);
    expect(estimateFromProbe({ ...clip, video: { ...clip.video, width: 1920, height: 1080 } }, 'mp4', true)).toBeGreaterThan(base * 2);
    expect(estimateFromProbe({ ...clip, video: { ...clip.video, codec: 'hevc' } }, 'mp4', true)).toBeGreaterThan(base);
    expect(estimateFromProbe(clip, 'webm', true)).toBeGreaterThan(base * 2);
    // Sound only: the duration alone.
    expect(estimateFromProbe({ durationSeconds: 60 }, 'mp3', false)).toBeLessThan(base);
  });
});

describe('the budget is a ceiling', () => {
  it('reserves the most the billing can charge: whole minutes, at least one, the file\'s duration, free small images', () => {
    expect(reservationUsd('video', 5e6, 4_000, 8)).toBeCloseTo(0.002, 9);
    // Twice the expected runtime bounds it: 40 s expected is 80 s at most, two minutes.
    expect(reservationUsd('video', 5e6, 40_000, 8)).toBeCloseTo(0.004, 9);
    expect(predictedCostUsd('video', 5e6, 40_000)).toBeCloseTo(0.002, 9);
    expect(reservationUsd('video', 5e6, 4_000, 150)).toBeCloseTo(0.006, 9);
    expect(reservationUsd('image', 1e6, 4_000, undefined)).toBe(0);
  });

  it('rises to what the service billed the pair before, per byte of input', () => {
    const billing = new PairBilling();
    billing.settled('AVI->MP4', 5e6, 0.004);
    expect(reservationUsd('video', 5e6, 4_000, 8, billing.floor('AVI->MP4'))).toBeCloseTo(0.004, 9);
    expect(reservationUsd('video', 10e6, 4_000, 8, billing.floor('AVI->MP4'))).toBeCloseTo(0.008, 9);
    expect(billing.floor('MKV->MP4')).toBe(0);
  });

  it('starts the jobs of a pair never billed one at a time, then all at once', async () => {
    const billing = new PairBilling();
    const first = await billing.turn('AVI->MP4');
    let second = false;
    const waiting = billing.turn('AVI->MP4').then((end) => {
      second = true;
      return end;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBe(false);
    first(true);
    (await waiting)(true);
    expect(second).toBe(true);
    await billing.turn('AVI->MP4');
  });
});

describe('transport and words', () => {
  it('an HTTPS API leads only to HTTPS; loopback plain HTTP only from a loopback plain-HTTP API', () => {
    const https = new URL('https://convertr.org');
    expect(mayFollow(https, new URL('https://cdn.example.test/f'))).toBe(true);
    expect(mayFollow(https, new URL('http://cdn.example.test/f'))).toBe(false);
    expect(mayFollow(new URL('https://127.0.0.1:8443'), new URL('http://127.0.0.1:9000/f'))).toBe(false);
    expect(mayFollow(new URL('http://127.0.0.1:8080'), new URL('http://127.0.0.1:9000/f'))).toBe(true);
    expect(mayFollow(new URL('http://127.0.0.1:8080'), new URL('http://10.0.0.2/f'))).toBe(false);
  });

  it('names the host that cannot be reached, in words', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND convertr.org'), { code: 'ENOTFOUND' });
    const error = errorForFailure(new ExchangeFailure('unreachable', 'network', cause), 'upload', 1024 ** 3, 'convertr.org');
    expect(error.message).toMatch(/^Cannot reach convertr\.org \(the name does not resolve\)/);
    expect(error.message).not.toMatch(/ENOTFOUND/);
  });

  it('an accepted job stays recorded through network faults, not when the service failed or forgot it', () => {
    expect(leavesAcceptedJobPending(new AppError('HOSTED_NETWORK', 'x'))).toBe(true);
    expect(leavesAcceptedJobPending(new AppError('HOSTED_TIMEOUT', 'x'))).toBe(true);
    expect(leavesAcceptedJobPending(new AppError('HOSTED_REJECTED', 'x'))).toBe(false);
  });
});
