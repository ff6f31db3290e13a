import { exchange } from './httpExchange.js';

/** Whether the API answers at all (any HTTP status counts) within a short time. */
export async function isHostedReachable(apiUrl: URL, timeoutMs = 3_000): Promise<boolean> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await exchange({ url: apiUrl, method: 'GET', headers: { Accept: 'application/json' }, timeoutMs, signal });
    response.close();
    return true;
  } catch {
    return false;
  }
}
