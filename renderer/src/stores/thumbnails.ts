import { useEffect, useState } from 'react';
import { call } from '../api/bridge';

/** Pictures already fetched, by row and output (a row gets another try once it has an output); the oldest go first. */
const cache = new Map<string, string | null>();
const MAX_CACHED = 1000;
/** A row scrolled past faster than this asks for nothing. */
const SETTLE_MS = 120;

function remember(key: string, url: string | null): void {
  cache.set(key, url);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
}

/**
 * The row's picture as a data: URL, asked for only while the row is on screen; null while unknown and for
 * files that have none (the row shows its kind's icon).
 */
export function useThumbnail(jobId: number, output: string | null): string | null {
  const key = `${jobId}:${output ?? ''}`;
  const [shown, setShown] = useState<{ key: string; url: string | null }>({ key, url: cache.get(key) ?? null });
  useEffect(() => {
    if (cache.has(key)) {
      setShown({ key, url: cache.get(key) ?? null });
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      call('queue:thumbnail', { jobId })
        .then(({ url }) => url, () => null)
        .then((url) => {
          remember(key, url);
          if (live) setShown({ key, url });
        });
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, jobId]);
  return shown.key === key ? shown.url : cache.get(key) ?? null;
}
