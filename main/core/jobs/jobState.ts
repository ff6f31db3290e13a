import type { ErrorPayload } from '../errors.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export interface JobSnapshot<TResult> {
  id: number;
  lane: string;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  /** Seconds left, once enough progress has been seen to estimate it. */
  etaSeconds: number | undefined;
  queuedAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  result: TResult | undefined;
  error: ErrorPayload | undefined;
}

/** Seconds left from elapsed time and progress; undefined until progress says something. */
export function estimateEta(elapsedMs: number, progress: number): number | undefined {
  if (progress < 0.02 || progress >= 1 || elapsedMs <= 0) return progress >= 1 ? 0 : undefined;
  return Math.round(((elapsedMs / progress) * (1 - progress)) / 100) / 10;
}
