import { LEASE_MS } from './jobModel.js';

/** Renews this process's leases on the jobs it owns (queue and batch folders) while it is alive. */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly renew: readonly ((until: number) => void)[], private readonly now: () => number, private readonly leaseMs = LEASE_MS) {}

  /** When the lease of a claim made now runs out. */
  expiry(): number {
    return this.now() + this.leaseMs;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.renewNow(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  renewNow(): void {
    const until = this.expiry();
    for (const renew of this.renew) {
      try {
        renew(until);
      } catch {
        // A busy or full database misses one renewal; the next one (a third of the lease later) catches up.
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
