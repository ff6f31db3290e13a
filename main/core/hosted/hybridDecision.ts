import { FREE_IMAGE_BYTES } from '../telemetry/billing.js';
import type { ConversionMode } from '../engine/run/fileConverter.js';
import type { MediaKind } from '../formats.js';
import { COST_PER_MINUTE } from '../telemetry/stats.js';

/** Why a hybrid job runs where it does: the `route` field of its JSON line. */
export type HybridReason =
  | 'private'
  | 'offline'
  | 'over-upload-limit'
  | 'no-local-timing'
  | 'local-sooner'
  | 'hosted-sooner'
  | 'over-budget'
  | 'plan-ceiling'
  | 'no-local-tools';

export interface HybridFacts {
  kind: MediaKind;
  neverUpload: boolean;
  reachable: boolean;
  overUploadLimit: boolean;
  /** This machine can run the job at all. */
  localCapable: boolean;
  /** Expected runtime of this job here, from this machine's measured runtimes for the pair and size. */
  localRuntimeMs: number | undefined;
  /** Estimated work already given to this machine's lane for this kind and not yet finished. */
  localBacklogMs: number;
  /** Jobs of this kind this machine runs at once. */
  localSlots: number;
  /** Upload and download at the measured throughput plus the service's expected runtime. */
  hostedRuntimeMs: number;
  /** Hosted jobs of this kind in flight, against the plan's ceiling (20 video, 40 audio, unlimited image). */
  hostedInFlight: number;
  hostedCeiling: number;
  /** The most the job can cost on the hosted API, reserved before its upload. */
  costUsd: number;
  /** What the month's budget has left after spending and reservations. */
  budgetLeftUsd: number;
}

export interface HybridDecision {
  mode: ConversionMode;
  reason: HybridReason;
}

/**
 * Local first: a job goes to the hosted API only when that finishes it sooner than waiting for this
 * machine (its share of the local backlog plus its own runtime), within the plan's ceiling and the budget,
 * and never when it is private or the API is unreachable. Without a local measurement for the pair there
 * is nothing to compare, so the job runs here and becomes the measurement.
 */
export function decideHybrid(facts: HybridFacts): HybridDecision {
  if (facts.neverUpload) return { mode: 'local', reason: 'private' };
  if (!facts.reachable) return { mode: 'local', reason: 'offline' };
  if (facts.overUploadLimit) return { mode: 'local', reason: 'over-upload-limit' };
  const hostedFits = facts.hostedInFlight < facts.hostedCeiling;
  const affordable = facts.costUsd <= facts.budgetLeftUsd + 1e-9;
  if (!facts.localCapable) {
    if (!hostedFits) return { mode: 'local', reason: 'plan-ceiling' };
    return affordable ? { mode: 'hosted', reason: 'no-local-tools' } : { mode: 'local', reason: 'over-budget' };
  }
  if (facts.localRuntimeMs === undefined) return { mode: 'local', reason: 'no-local-timing' };
  const localFinishMs = facts.localBacklogMs / Math.max(1, facts.localSlots) + facts.localRuntimeMs;
  if (facts.hostedRuntimeMs >= localFinishMs) return { mode: 'local', reason: 'local-sooner' };
  if (!hostedFits) return { mode: 'local', reason: 'plan-ceiling' };
  if (!affordable) return { mode: 'local', reason: 'over-budget' };
  return { mode: 'hosted', reason: 'hosted-sooner' };
}

/**
 * The plan's price of a hosted job before it runs: its expected service minutes, rounded up, at least one;
 * images up to 10 MB are free. A quarter is added to the expected runtime so that a slower-than-usual job
 * still fits what was reserved.
 */
export function predictedCostUsd(kind: MediaKind, inputBytes: number, serviceRuntimeMs: number): number {
  if (kind === 'image' && inputBytes <= FREE_IMAGE_BYTES) return 0;
  return Math.max(1, Math.ceil((serviceRuntimeMs * 1.25) / 60_000)) * COST_PER_MINUTE;
}

/**
 * What is reserved against the budget before an upload: the most the plan's billing can charge for the file.
 * Billing is per whole minute of the service's runtime, so the runtime is bounded from above by the larger of
 * twice the expected runtime and the file's own duration; never less than what this pair was billed before
 * for a file of this size (`billedUsdPerByte`, raised each time a job of the pair settles above its reservation).
 */
export function reservationUsd(kind: MediaKind, inputBytes: number, serviceRuntimeMs: number, durationSeconds: number | undefined, billedUsdPerByte = 0): number {
  if (kind === 'image' && inputBytes <= FREE_IMAGE_BYTES) return 0;
  const boundMs = Math.max(serviceRuntimeMs * 2, (durationSeconds ?? 0) * 1000);
  const minutes = Math.max(1, Math.ceil(boundMs / 60_000), Math.ceil((billedUsdPerByte * inputBytes) / COST_PER_MINUTE - 1e-9));
  return Math.round(minutes * COST_PER_MINUTE * 1e6) / 1e6;
}

/** The actual price of a finished hosted job from its billable minutes (failures bill none). */
export function actualCostUsd(billableMinutes: number): number {
  return Math.round(billableMinutes * COST_PER_MINUTE * 1e6) / 1e6;
}
