import { PLAN_CEILINGS } from '../concurrency.js';
import { AppError } from '../errors.js';
import type { MediaKind } from '../formats.js';
import type { SchedulerLimits } from '../scheduler.js';

/** The hosted API's upload limit: 1 GB, counted in binary units like the service's own limit. */
export const HOSTED_UPLOAD_LIMIT_BYTES = 1024 ** 3;

export const DEFAULT_API_URL = 'https://convertr.app';

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

/** `--api-url`, else `CONVERTR_API_URL`, else the public service; only http(s) origins with no query or fragment. */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): URL {
  const text = flag ?? env['CONVERTR_API_URL'] ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('USAGE', `The API URL "${text}" is not a valid URL (expected something like ${DEFAULT_API_URL}).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('USAGE', `The API URL must start with https:// (or http:// for a local server), not ${url.protocol}`);
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

export function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env['CONVERTR_HOSTED_TIMEOUT_MS']);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_REQUEST_TIMEOUT_MS;
}
