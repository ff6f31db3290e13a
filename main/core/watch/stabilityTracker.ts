import type { Stats } from 'node:fs';

/** What one look at a file tells: its size and modification time, or that it is gone. */
export type FileSample = Pick<Stats, 'size' | 'mtimeMs'>;

export interface StabilityOptions {
  stableForMs: number;
  /** An empty file is usually a copy that has not started writing; it must stay empty this many times longer. */
  emptyFileFactor: number;
}

/**
 * Decides when a file has finished arriving: its size and mtime have not changed for `stableForMs`.
 * Pure: the caller supplies samples and the time, so tests drive it with a fake clock.
 */
export class StabilityTracker {
  private readonly seen = new Map<string, FileSample & { since: number }>();

  constructor(private readonly options: StabilityOptions) {}

  observe(file: string, sample: FileSample | undefined, now: number): 'settling' | 'stable' | 'gone' {
    if (!sample) {
      this.seen.delete(file);
      return 'gone';
    }
    const last = this.seen.get(file);
    if (!last || last.size !== sample.size || last.mtimeMs !== sample.mtimeMs) {
      this.seen.set(file, { ...sample, since: now });
      return 'settling';
    }
    const needed = this.options.stableForMs * (sample.size === 0 ? this.options.emptyFileFactor : 1);
    return now - last.since >= needed ? 'stable' : 'settling';
  }

  forget(file: string): void {
    this.seen.delete(file);
  }

  get size(): number {
    return this.seen.size;
  }
}
