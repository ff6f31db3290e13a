/** Where runs on one data folder reserve their job ids, so that no run hands out an id an earlier one did. */
export interface JobIdBlocks {
  /** Reserves `count` ids never reserved before; returns the first. */
  reserve(count: number): number;
}

/** Hands out job ids. */
export interface JobIdSource {
  next(): number;
}

/** Ids this process alone hands out (from 1), for runs that keep nothing: a command-line batch, a test. */
export function memoryIdBlocks(): JobIdBlocks {
  let last = 0;
  return {
    reserve: (count) => {
      const first = last + 1;
      last += count;
      return first;
    },
  };
}

/**
 * The one id space for jobs: every scheduler (local, hosted), batch-folder jobs on them, and the window's
 * own rows (skipped files) take their ids here. Ids are reserved in blocks, so a durable `blocks` costs
 * one write per block, and a restart goes on above every id an earlier run handed out.
 */
export class JobIds implements JobIdSource {
  private nextId = 0;
  private end = 0;

  constructor(private readonly blocks: JobIdBlocks = memoryIdBlocks(), private readonly blockSize = 256) {}

  next(): number {
    if (this.nextId >= this.end) {
      this.nextId = this.blocks.reserve(this.blockSize);
      this.end = this.nextId + this.blockSize;
    }
    return this.nextId++;
  }
}
