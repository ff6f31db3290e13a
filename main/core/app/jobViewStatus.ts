/**
 * What a job shows in the window and the tray: the job model's states, with `paused` for a running job whose
 * processes are suspended and `skipped` for one that ended without converting on purpose.
 */
export const JOB_VIEW_STATUSES = ['queued', 'running', 'paused', 'succeeded', 'skipped', 'failed', 'cancelled'] as const;
export type JobViewStatus = (typeof JOB_VIEW_STATUSES)[number];
