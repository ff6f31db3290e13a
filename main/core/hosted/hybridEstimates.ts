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
  /** Local jobs that finished in this process, whose rows the history may not hold yet (their writes are batched). */
  private readonly finishedHere = new Map<string, RuntimeSample[]>();

  constructor(private readonly history: RoutingHistory) {}

  localRuntimeMs(pair: string, bytes: number): number | undefined {
    let samples = this.localCache.get(pair);
    if (!samples) {
      samples = this.history.localSamples(pair, LOCAL_SAMPLES);
      this.localCache.set(pair, samples);
    }
    const here = this.finishedHere.get(pair);
    return runtimeForSize(here ? [...here, ...samples] : samples, bytes);
  }

  /** A local job of the pair just finished: its timing counts from now on, before its row is written. */
  finishedLocally(pair: string, sample: RuntimeSample): void {
    if (!this.finishedHere.has(pair) && this.finishedHere.size >= LOCAL_SAMPLES) this.finishedHere.delete(this.finishedHere.keys().next().value!);
    const samples = this.finishedHere.get(pair) ?? [];
    samples.unshift(sample);
    this.finishedHere.set(pair, samples.slice(0, NEAREST));
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

/** What the probe says of an input: enough to guess this machine's runtime before any job of its pair finished. */
export interface ProbedSize {
  durationSeconds: number;
  /** The first picture stream, when there is one. */
  video?: { codec: string; width: number; height: number; frameRate: number | undefined };
}

/** Nanoseconds of this machine's time per output pixel (frames x width x height) by the target's video encoder. */
const ENCODE_NS_PER_PIXEL: Record<string, number> = { mp4: 18, mov: 18, mkv: 18, avi: 10, webm: 60 };
/** How much more than an MPEG-4 part 2 stream a source codec costs to decode. */
const DECODE_FACTOR: Record<string, number> = { mpeg4: 1, mpeg2video: 1, mjpeg: 1.1, h264: 1.2, hevc: 1.8, vp8: 1.3, vp9: 1.8, av1: 2.2, prores: 1.4 };
/** Audio re-encodes cost about this much per second of sound. */
const AUDIO_MS_PER_SECOND = 25;
/** Starting the tools and opening the file. */
const STARTUP_MS = 300;

/**
 * This machine's runtime for a file before any job of its pair has finished here: duration x pixels x a
 * per-codec cost for video, duration for audio. The first finished jobs of the pair replace it.
 */
export function estimateFromProbe(probe: ProbedSize, target: string, videoTarget: boolean): number {
  const seconds = Math.max(0, probe.durationSeconds);
  if (!videoTarget || !probe.video) return STARTUP_MS + seconds * AUDIO_MS_PER_SECOND;
  const { width, height, codec } = probe.video;
  const frames = seconds * (probe.video.frameRate && probe.video.frameRate > 0 ? Math.min(probe.video.frameRate, 120) : 30);
  const ns = (ENCODE_NS_PER_PIXEL[target] ?? 20) * (DECODE_FACTOR[codec] ?? 1.3);
  return STARTUP_MS + (frames * width * height * ns) / 1e6 + seconds * AUDIO_MS_PER_SECOND;
}
