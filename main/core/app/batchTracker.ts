import path from 'node:path';

export interface TrackedJobEnd {
  jobId: number;
  status: 'succeeded' | 'skipped' | 'failed' | 'cancelled';
  output: string | null;
}

export interface BatchOutcome {
  batchId: number;
  total: number;
  succeeded: number;
  /** Not converted on purpose (the conflict policy): neither a success nor a failure. */
  skipped: number;
  failed: number;
  cancelled: number;
  outputFolder: string | null;
}

interface Batch {
  id: number;
  pending: Set<number>;
  outcome: BatchOutcome;
}

/** Groups jobs into the batches the user dropped and says once, when the last job of a batch ends, how it went. */
export class BatchTracker {
  private readonly batches = new Map<number, Batch>();
  private readonly batchOfJob = new Map<number, number>();
  private nextBatch: number;

  /** `firstBatch` keeps this run's batch ids apart from those of rows kept from earlier runs. */
  constructor(private readonly onFinished: (outcome: BatchOutcome) => void, firstBatch = 1) {
    this.nextBatch = firstBatch;
  }

  open(): number {
    const id = this.nextBatch++;
    this.batches.set(id, { id, pending: new Set(), outcome: { batchId: id, total: 0, succeeded: 0, skipped: 0, failed: 0, cancelled: 0, outputFolder: null } });
    return id;
  }

  add(batchId: number, jobId: number): void {
    const batch = this.batches.get(batchId);
    if (!batch) throw new Error(`unknown batch ${batchId}`);
    batch.pending.add(jobId);
    batch.outcome.total++;
    this.batchOfJob.set(jobId, batchId);
  }

  batchOf(jobId: number): number | undefined {
    return this.batchOfJob.get(jobId);
  }

  /** A batch with no jobs (everything skipped) is closed at once. */
  closeIfEmpty(batchId: number): void {
    const batch = this.batches.get(batchId);
    if (batch && batch.outcome.total === 0) this.batches.delete(batchId);
  }

  ended(end: TrackedJobEnd): void {
    const batchId = this.batchOfJob.get(end.jobId);
    const batch = batchId === undefined ? undefined : this.batches.get(batchId);
    if (!batch || !batch.pending.delete(end.jobId)) return;
    batch.outcome[end.status]++;
    if (end.output && batch.outcome.outputFolder === null) batch.outcome.outputFolder = path.dirname(end.output);
    if (batch.pending.size === 0) {
      this.batches.delete(batch.id);
      this.onFinished({ ...batch.outcome });
    }
  }

  isOpen(batchId: number): boolean {
    return this.batches.has(batchId);
  }
}

/** "12 converted, 1 failed" */
export function describeOutcome(outcome: BatchOutcome): string {
  const parts = [`${outcome.succeeded} converted`];
  if (outcome.skipped > 0) parts.push(`${outcome.skipped} skipped`);
  if (outcome.failed > 0) parts.push(`${outcome.failed} failed`);
  if (outcome.cancelled > 0) parts.push(`${outcome.cancelled} cancelled`);
  return parts.join(', ');
}
