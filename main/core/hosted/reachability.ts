import { exchange } from './httpExchange.js';

/** How long one reachability check may take before the API counts as unreachable. */
export const REACHABILITY_TIMEOUT_MS = 3_000;
const REACHABLE_FOR_MS = 60_000;
const UNREACHABLE_FOR_MS = 10_000;

/** Whether the API answers at all (any HTTP status counts) within a short time. */
export async function isHostedReachable(apiUrl: URL, timeoutMs = REACHABILITY_TIMEOUT_MS): Promise<boolean> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await exchange({ url: apiUrl, method: 'GET', headers: { Accept: 'application/json' }, timeoutMs, signal });
    response.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * A cheap, cached answer to "does the hosted API answer?": one check per origin at a time, remembered for a
 * minute when it answered and ten seconds when it did not, so that a batch asks once and a returning
 * network is noticed soon. Routing reads `known()` synchronously; entry points `check()` before launching.
 */
export class ReachabilityCache {
  private readonly results = new Map<string, { reachable: boolean; at: number }>();
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly probe: (apiUrl: URL) => Promise<boolean> = isHostedReachable,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last answer still fresh, or undefined when the API has not been checked lately. */
  known(apiUrl: URL): boolean | undefined {
    const result = this.results.get(apiUrl.origin);
    if (!result) return undefined;
    const ttl = result.reachable ? REACHABLE_FOR_MS : UNREACHABLE_FOR_MS;
    return this.now() - result.at <= ttl ? result.reachable : undefined;
  }

  /**
   * The last answer however old, for a job routed long after its batch was checked; a stale one is checked
   * again meanwhile (in the background), for the jobs routed after it.
   */
  latest(apiUrl: URL): boolean | undefined {
    const fresh = this.known(apiUrl);
    if (fresh !== undefined) return fresh;
    void this.check(apiUrl);
    return this.results.get(apiUrl.origin)?.reachable;
  }

  async check(apiUrl: URL): Promise<boolean> {
    const fresh = this.known(apiUrl);
    if (fresh !== undefined) return fresh;
    const origin = apiUrl.origin;
    let pending = this.pending.get(origin);
    if (!pending) {
      pending = this.probe(apiUrl)
        .catch(() => false)
        .then((reachable) => {
          this.results.set(origin, { reachable, at: this.now() });
          this.pending.delete(origin);
          return reachable;
        });
      this.pending.set(origin, pending);
    }
    return pending;
  }

  /** Forgets what was learned (the API URL or the network changed). */
  reset(): void {
    this.results.clear();
  }
}
