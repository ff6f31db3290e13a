import { MODE_PREFERENCES, type ModePreference } from '../core/modes.js';
import { trayStateFor, type QueueJobState, type TrayIcon, type TrayState } from '../core/app/trayState.js';

export interface TrayMenuItem {
  label: string;
  type?: 'normal' | 'radio' | 'separator';
  checked?: boolean;
  click?: () => void;
}

/** The part of Electron's Tray (and the window's taskbar progress) the controller drives. */
export interface TrayPort {
  setIcon(icon: TrayIcon): void;
  setToolTip(text: string): void;
  setMenu(items: TrayMenuItem[]): void;
  setProgress(progress: number): void;
}

export interface TrayActions {
  showWindow(): void;
  togglePause(): void;
  setMode(mode: ModePreference): void;
  openOutputFolder(): void;
  quit(): void;
}

/** Keeps the tray icon, tooltip, menu and taskbar progress in step with the queue. */
export class TrayController {
  private last: TrayState | undefined;

  constructor(private readonly port: TrayPort, private readonly actions: TrayActions) {}

  update(jobs: readonly QueueJobState[], paused: boolean, mode: ModePreference): TrayState {
    const state = trayStateFor(jobs, paused);
    if (state.icon !== this.last?.icon) this.port.setIcon(state.icon);
    if (state.tooltip !== this.last?.tooltip) this.port.setToolTip(state.tooltip);
    if (state.progress !== this.last?.progress) this.port.setProgress(state.progress);
    this.port.setMenu([
      { label: 'Show Convertr', click: () => this.actions.showWindow() },
      { label: paused ? 'Resume queue' : 'Pause queue', click: () => this.actions.togglePause() },
      { label: '', type: 'separator' },
      ...MODE_PREFERENCES.map((m) => ({ label: `Mode: ${m}`, type: 'radio' as const, checked: m === mode, click: () => this.actions.setMode(m) })),
      { label: '', type: 'separator' },
      { label: 'Open output folder', click: () => this.actions.openOutputFolder() },
      { label: 'Quit', click: () => this.actions.quit() },
    ]);
    this.last = state;
    return state;
  }
}
