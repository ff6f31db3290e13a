import type { IncomingHttpHeaders } from 'node:http';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * How long the server asks us to wait, in milliseconds: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (a Unix time in seconds, or seconds from now when small); undefined when neither says.
 */
export function retryDelayMs(headers: IncomingHttpHeaders, now: number): number | undefined {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = header(headers, 'x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    const seconds = Number(reset);
    return seconds > 1_000_000_000 ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
  }
  return undefined;
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... capped. */
export function backoffMs(attempt: number, capMs = 8_000): number {
  const base = Math.min(capMs, 500 * 2 ** attempt);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
