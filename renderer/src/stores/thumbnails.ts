import { create } from 'zustand';
import { call } from '../api/bridge';

/** Pictures kept in the window; the oldest fetched go first. */
const MAX_KEPT = 1000;

/** A row's picture is asked for again once the row has an output (a HEIC's converted JPG has one when the HEIC has none). */
export const thumbnailKey = (job: { id: number; output: string | null }) => `${job.id}:${job.output ?? ''}`;

interface ThumbnailState {
  /** data: URLs by thumbnailKey; null for rows whose file has no picture. */
  urls: Record<string, string | null>;
  /** Asks for the pictures of these rows (the ones on screen) that are not known or on their way yet. */
  fetch(jobs: readonly { id: number; output: string | null }[]): void;
}

const inFlight = new Set<string>();

export const useThumbnails = create<ThumbnailState>((set, get) => ({
  urls: {},
  fetch: (jobs) => {
    for (const job of jobs) {
      const key = thumbnailKey(job);
      if (key in get().urls || inFlight.has(key)) continue;
      inFlight.add(key);
      void call('queue:thumbnail', { jobId: job.id })
        .then(({ url }) => url, () => null)
        .then((url) => {
          inFlight.delete(key);
          set((state) => {
            const keys = Object.keys(state.urls);
            const kept = keys.length >= MAX_KEPT ? Object.fromEntries(keys.slice(keys.length - MAX_KEPT + 1).map((k) => [k, state.urls[k]!])) : state.urls;
            return { urls: { ...kept, [key]: url } };
          });
        });
    }
  },
}));
