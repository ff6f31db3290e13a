import type { ModePreference } from './routing.js';

/** One finished local conversion's timing, as the telemetry store keeps it. */
export interface RuntimeSample {
  runtimeMs: number;
  inputBytes: number;
}

/** One successful hosted job's timings: the measured throughput and the service's runtime. */
export interface HostedSample {
  pair: string;
  inputBytes: number;
  outputBytes: number;
  uploadMs: number;
  serviceMs: number;
  downloadMs: number;
}

/** What hybrid routing learns from: this machine's runtimes and the hosted API's. */
export interface RoutingHistory {
  /** The latest successful local conversions of a pair that know their input size, newest first. */
  localSamples(pair: string, limit: number): RuntimeSample[];
  /** The latest successful hosted jobs, newest first. */
  hostedSamples(limit: number): HostedSample[];
  recordHosted(sample: HostedSample, finishedAt: number): void;
}

export interface MonthSpend {
  settledUsd: number;
  reservedUsd: number;
}

/** Hosted spend per calendar month (UTC `YYYY-MM`), with reservations made before an upload. */
export interface SpendLedger {
  /** Reserves `usd` unless settled + reserved + usd would pass `budgetUsd`; atomic across processes. Returns the reservation id or null. */
  reserve(month: string, usd: number, budgetUsd: number, ownerPid: number, now: number): number | null;
  /** Replaces a reservation with what the job actually cost (0 for a failure). */
  settle(id: number, usd: number, now: number): void;
  /** Records the cost of a hosted job that had no reservation (hosted or auto mode). */
  record(month: string, usd: number, now: number): void;
  month(month: string): MonthSpend;
  /** Drops reservations whose process is gone; returns how many. */
  releaseAbandoned(isAlive: (pid: number) => boolean): number;
}

/** How a batch was routed, kept so that resuming it routes it the same way. */
export interface BatchRouting {
  mode: ModePreference;
  apiUrl: string | null;
  neverUpload: boolean;
  budgetUsd: number | null;
  stripPhotoMetadata: boolean;
  /** When the routing was stored (read back only). */
  savedAt?: number;
}

/** A hosted job the server accepted for later (202): polled after a crash or a quit, never uploaded again. */
export interface HostedJobRecord {
  apiOrigin: string;
  serverId: string;
  statusUrl: string;
}

export interface HostedWorkStore {
  saveRouting(batchKey: string, routing: BatchRouting, now: number): void;
  routing(batchKey: string): BatchRouting | undefined;
  forgetRouting(batchKey: string): void;
  saveJob(jobKey: string, job: HostedJobRecord, now: number): void;
  job(jobKey: string): HostedJobRecord | undefined;
  forgetJob(jobKey: string): void;
}

/** UTC calendar month of a wall-clock time: `2026-11`. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
