import type { HostedSample, RoutingHistory, RuntimeSample } from './hostedRecords.js';

/** Assumed until a hosted job has been measured: a modest uplink and downlink. */
export const DEFAULT_UPLOAD_BYTES_PER_SECOND = 2 * 1024 * 1024;
export const DEFAULT_DOWNLOAD_BYTES_PER_SECOND = 4 * 1024 * 1024;
const LOCAL_SAMPLES = 50;
const HOSTED_SAMPLES = 50;
const NEAREST = 5;

export interface HostedEstimate {
  totalMs: number;
  uploadMs: number;
  serviceMs: number;
  downloadMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A runtime for `bytes` from the samples nearest in size (on a log scale), each scaled by the size ratio. */
export function runtimeForSize(samples: readonly RuntimeSample[], bytes: number): number | undefined {
  const usable = samples.filter((s) => s.inputBytes > 0 && s.runtimeMs >= 0);
  if (usable.length === 0 || bytes <= 0) return undefined;
  const nearest = [...usable].sort((a, b) => Math.abs(Math.log(a.inputBytes / bytes)) - Math.abs(Math.log(b.inputBytes / bytes))).slice(0, NEAREST);
  return median(nearest.map((s) => (s.runtimeMs * bytes) / s.inputBytes));
}

function throughput(samples: readonly HostedSample[], bytes: (s: HostedSample) => number, ms: (s: HostedSample) => number, fallback: number): number {
  const measured = samples.filter((s) => bytes(s) >= 64 * 1024 && ms(s) > 0);
  if (measured.length === 0) return fallback;
  const totalBytes = measured.reduce((n, s) => n + bytes(s), 0);
  const totalMs = measured.reduce((n, s) => n + ms(s), 0);
  return (totalBytes / totalMs) * 1000;
}

/**
 * Estimates from measurements: this machine's runtime for a pair and size (telemetry), and a hosted job's
 * time as its upload and download at the measured throughput plus the service's runtime for the pair (its
 * own measurements, else this machine's runtime: the service is assumed no faster than one local job).
 */
export class HybridEstimator {
  private readonly localCache = new Map<string, RuntimeSample[]>();
  private hostedCache: HostedSample[] | undefined;

  constructor(private readonly history: RoutingHistory) {}

  localRuntimeMs(pair: string, bytes: number): number | undefined {
    let samples = this.localCache.get(pair);
    if (!samples) {
      samples = this.history.localSamples(pair, LOCAL_SAMPLES);
      this.localCache.set(pair, samples);
    }
    return runtimeForSize(samples, bytes);
  }

  hosted(pair: string, bytes: number, localMs: number | undefined): HostedEstimate {
    this.hostedCache ??= this.history.hostedSamples(HOSTED_SAMPLES);
    const samples = this.hostedCache;
    const up = throughput(samples, (s) => s.inputBytes, (s) => s.uploadMs, DEFAULT_UPLOAD_BYTES_PER_SECOND);
    const down = throughput(samples, (s) => s.outputBytes, (s) => s.downloadMs, DEFAULT_DOWNLOAD_BYTES_PER_SECOND);
    const ofPair = samples.filter((s) => s.pair === pair);
    const measuredService = runtimeForSize(ofPair.map((s) => ({ runtimeMs: s.serviceMs, inputBytes: s.inputBytes })), bytes);
    const serviceMs = measuredService ?? localMs ?? 60_000;
    const outputRatio = ofPair.length > 0 ? median(ofPair.filter((s) => s.inputBytes > 0).map((s) => s.outputBytes / s.inputBytes)) : 1;
    const uploadMs = (bytes / up) * 1000;
    const downloadMs = ((bytes * (Number.isFinite(outputRatio) ? outputRatio : 1)) / down) * 1000;
    return { totalMs: uploadMs + serviceMs + downloadMs, uploadMs, serviceMs, downloadMs };
  }

  /** New measurements arrived (a job finished): read the history again next time. */
  refresh(): void {
    this.localCache.clear();
    this.hostedCache = undefined;
  }
}
