import { PLAN_CEILINGS } from '../scheduling/concurrency.js';
import { AppError } from '../errors.js';
import type { MediaKind } from '../formats.js';
import type { SchedulerLimits } from '../scheduling/scheduler.js';

/** The hosted API's upload limit: 1 GB, counted in binary units like the service's own limit. */
export const HOSTED_UPLOAD_LIMIT_BYTES = 1024 ** 3;

/** The public Convertr service: the one default API URL everywhere (CLI, window, settings). */
export const DEFAULT_API_URL = 'https://convertr.org';

/** 127.0.0.0/8, ::1 and localhost: the only hosts an API URL may reach over plain HTTP (tests, local servers). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A bearer token or a client label may travel to this URL: HTTPS, or plain HTTP to this machine only. */
export function isSecureTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** No byte moving in either direction for this long fails the request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export const hostedLane = (kind: MediaKind): string => `hosted-${kind}`;

/** Hosted requests in flight mirror the plan (20 video, 40 audio, unlimited images); the local machine is not the bound. */
export function hostedConcurrencyLimits(): SchedulerLimits {
  return {
    perLane: { [hostedLane('video')]: PLAN_CEILINGS.video, [hostedLane('audio')]: PLAN_CEILINGS.audio, [hostedLane('image')]: PLAN_CEILINGS.image },
    total: Number.POSITIVE_INFINITY,
  };
}

/**
 * `--api-url`, else `CONVERTR_API_URL`, else the public service. HTTPS only, except plain HTTP to a loopback
 * address; no credentials, query or fragment. Throws a USAGE error before any connection is made.
 */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): URL {
  return parseApiUrl(flag ?? (env['CONVERTR_API_URL'] || undefined) ?? DEFAULT_API_URL);
}

export function parseApiUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('USAGE', `The API URL "${text}" is not a valid URL (expected something like ${DEFAULT_API_URL}).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('USAGE', `The API URL must start with https:// (or http:// for a server on this machine), not ${url.protocol}`);
  if (!isSecureTransport(url)) {
    throw new AppError('USAGE', `HTTPS is required for the hosted API: ${url.host} is not this machine, so the token and files would travel unencrypted over http://. Use https://${url.host}${url.pathname.replace(/\/+$/, '')}.`);
  }
  if (url.username || url.password || url.search || url.hash) throw new AppError('USAGE', 'The API URL must not carry credentials, a query or a fragment.');
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** `apiUrl` + `/api/...`, keeping any path prefix the API lives under. */
export function apiEndpoint(apiUrl: URL, route: string): URL {
  const url = new URL(apiUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${route}`;
  return url;
}

/** `CONVERTR_HOSTED_JOB_TIMEOUT_MS`: how long an accepted job is polled (30 minutes unless set). */
export function jobTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env['CONVERTR_HOSTED_JOB_TIMEOUT_MS']);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env['CONVERTR_HOSTED_TIMEOUT_MS']);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_REQUEST_TIMEOUT_MS;
}
