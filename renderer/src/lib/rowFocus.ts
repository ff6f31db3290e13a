/**
 * Keeps the keyboard's place in the queue when a row's action takes away the control it was on: Cancel becomes
 * Retry, Retry and Remove take the row away, Clear finished takes several. Once the page has lost the focus, it goes
 * to that row's (or its new job's) first action, else the row now in its place, else the list, else "Add files…".
 */
interface FocusIntent {
  jobId: number | null;
  index: number;
  until: number;
  /** A retry's new job is not known yet: the row now in the old one's place is not where the focus goes. */
  awaitingJob: boolean;
  /** `jobId` is a retry's new job, which the list may show a moment after the retry answered. */
  following: boolean;
}

/** An action's answer (a status change, a removal) may take this long to reach the list. */
const INTENT_MS = 5_000;
let intent: FocusIntent | null = null;

/**
 * Before an action on the row of `jobId` at `index` in the list (`jobId` null: rows go, start from `index`);
 * `awaitingJob` when the action answers with a new job for the row (then call `followRow`).
 */
export function keepRowFocus(jobId: number | null, index: number, awaitingJob = false): void {
  intent = { jobId, index, until: Date.now() + INTENT_MS, awaitingJob, following: false };
}

/** The action made a new job of the row (a retry; undefined: it did not), which the focus follows once shown. */
export function followRow(jobId: number | undefined, order: readonly number[]): void {
  if (!intent) return;
  intent.awaitingJob = false;
  if (jobId !== undefined) Object.assign(intent, { jobId, following: true });
  restoreRowFocus(order);
}

const rowAction = (jobId: number | undefined) =>
  jobId === undefined ? null : document.querySelector<HTMLElement>(`[data-job-id="${jobId}"] .job-actions > button, [data-job-id="${jobId}"] .job-actions > a.button`);

/** After the list changed: gives the focus back if the page lost it. */
export function restoreRowFocus(order: readonly number[]): void {
  if (!intent || intent.awaitingJob) return;
  if (Date.now() > intent.until) {
    intent = null;
    return;
  }
  if (intent.following && intent.jobId !== null && !order.includes(intent.jobId)) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected && !active.matches(':disabled')) return;
  const index = Math.min(intent.index, order.length - 1);
  const target =
    rowAction(intent.jobId ?? undefined) ??
    rowAction(order[index]) ??
    document.querySelector<HTMLElement>('[data-testid="job-list"]') ??
    document.querySelector<HTMLElement>('[data-testid="drop-target"] button');
  if (!target) return;
  target.focus();
  intent = null;
}
