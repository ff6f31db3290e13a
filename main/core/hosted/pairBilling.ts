import { throwIfAborted } from '../errors.js';

/**
 * What the hosted API billed each pair in this process, so that a service billing more than was reserved
 * cannot pass the budget: until a job of a pair has been billed, its hosted jobs start one at a time; once
 * one is billed above its reservation, later reservations of the pair rise to match (per byte of input).
 */
export class PairBilling {
  private readonly usdPerByte = new Map<string, number>();
  private readonly billed = new Set<string>();
  private readonly first = new Map<string, Promise<void>>();

  /** The most this pair has been billed per byte of input. */
  floor(pair: string): number {
    return this.usdPerByte.get(pair) ?? 0;
  }

  /** Waits until the pair has been billed once, or for the turn to be the job that finds out; returns its end. */
  async turn(pair: string, signal?: AbortSignal): Promise<(billed: boolean) => void> {
    for (;;) {
      throwIfAborted(signal);
      if (this.billed.has(pair)) return () => {};
      const running = this.first.get(pair);
      if (!running) break;
      await running;
    }
    let done!: () => void;
    this.first.set(pair, new Promise<void>((resolve) => (done = resolve)));
    return (billed) => {
      if (billed) this.billed.add(pair);
      this.first.delete(pair);
      done();
    };
  }

  settled(pair: string, inputBytes: number, usd: number): void {
    if (inputBytes <= 0 || usd <= 0) return;
    this.usdPerByte.set(pair, Math.max(this.floor(pair), usd / inputBytes));
  }
}
