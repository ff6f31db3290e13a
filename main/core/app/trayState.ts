import type { JobViewStatus } from './jobViewStatus.js';

export type TrayIcon = 'idle' | 'working' | 'error';

export interface QueueJobState {
  status: JobViewStatus;
  progress: number;
}

export interface TrayState {
  icon: TrayIcon;
  tooltip: string;
  /** 0..1 while working; -1 removes the taskbar/dock progress bar. */
  progress: number;
}

/** What the tray and the taskbar show for a queue: working with progress, an error since the last clear, or idle. */
export function trayStateFor(jobs: readonly QueueJobState[], paused: boolean): TrayState {
  const active = jobs.filter((j) => j.status === 'queued' || j.status === 'running' || j.status === 'paused');
  const failed = jobs.filter((j) => j.status === 'failed').length;
  if (active.length > 0) {
    const done = jobs.filter((j) => j.status === 'succeeded' || j.status === 'skipped' || j.status === 'failed' || j.status === 'cancelled').length;
    const running = jobs.filter((j) => j.status === 'running' || j.status === 'paused').reduce((sum, j) => sum + j.progress, 0);
    const total = done + active.length;
    const progress = total === 0 ? 0 : Math.min(1, (done + running) / total);
    const state = paused ? 'paused' : 'converting';
    return { icon: 'working', tooltip: `Convertr: ${state} ${done} of ${total} (${Math.round(progress * 100)}%)${failed > 0 ? `, ${failed} failed` : ''}`, progress };
  }
  if (failed > 0) return { icon: 'error', tooltip: `Convertr: ${failed} conversion${failed > 1 ? 's' : ''} failed`, progress: -1 };
  return { icon: 'idle', tooltip: 'Convertr: idle', progress: -1 };
}
