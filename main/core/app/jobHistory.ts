import type { JobViewData } from './desktopService.js';
import type { CommittedFile } from '../fileIdentity.js';

/**
 * A finished row as history keeps it: what the window shows once a job has ended (no progress, no id of
 * this run), the options its job converted with (for a Retry after a restart), and the output file it
 * committed (device and inode), which alone may be downloaded.
 */
export type FinishedRow = Omit<JobViewData, 'id' | 'progress' | 'etaSeconds' | 'pauseNote'> & {
  /** The row's job id, kept so that the row keeps it after a restart (absent in rows kept before ids were). */
  id?: number;
  committed?: CommittedFile;
};

/**
 * The window's finished rows, kept across restarts until the user clears or removes them. Keys are the
 * service's own (a row has no other identity once its process is gone).
 */
export interface JobHistoryStore {
  /** Every kept row, oldest first. */
  list(): { key: string; row: FinishedRow }[];
  add(key: string, row: FinishedRow): void;
  remove(key: string): void;
  /** Forgets every kept row; returns how many there were. */
  clear(): number;
}

/** The statuses a row can end with. */
export const FINISHED_STATUSES: ReadonlySet<JobViewData['status']> = new Set(['succeeded', 'skipped', 'failed', 'cancelled']);

export function finishedRowOf(view: JobViewData, committed?: CommittedFile): FinishedRow {
  const { progress: _progress, etaSeconds: _eta, pauseNote: _pause, ...row } = view;
  return { ...row, notes: [...row.notes], ...(committed ? { committed } : {}) };
}
