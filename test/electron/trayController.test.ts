import { describe, expect, it, vi } from 'vitest';
import { TrayController, type TrayPort } from '../../main/electron/trayController';

function fakeTray() {
  const calls = { icon: [] as string[], tooltip: [] as string[], progress: [] as number[], menu: [] as string[][] };
  const port: TrayPort = {
    setIcon: (i) => calls.icon.push(i),
    setToolTip: (t) => calls.tooltip.push(t),
    setProgress: (p) => calls.progress.push(p),
    setMenu: (items) => calls.menu.push(items.map((i) => i.label)),
  };
  return { port, calls };
}

const actions = { showWindow: vi.fn(), togglePause: vi.fn(), setMode: vi.fn(), openOutputFolder: vi.fn(), quit: vi.fn() };

describe('TrayController', () => {
  it('follows the queue: working with progress, then error, then idle', () => {
    const { port, calls } = fakeTray();
    const tray = new TrayController(port, actions);
    tray.update([{ status: 'succeeded', progress: 1 }, { status: 'running', progress: 0.5 }, { status: 'queued', progress: 0 }, { status: 'queued', progress: 0 }], false, 'local');
    expect(calls.icon.at(-1)).toBe('working');
    expect(calls.progress.at(-1)).toBeCloseTo(0.375);
    expect(calls.tooltip.at(-1)).toBe('Convertr: converting 1 of 4 (38%)');
    tray.update([{ status: 'succeeded', progress: 1 }, { status: 'failed', progress: 0 }], false, 'local');
    expect(calls.icon.at(-1)).toBe('error');
    expect(calls.progress.at(-1)).toBe(-1);
    tray.update([], false, 'local');
    expect(calls.icon.at(-1)).toBe('idle');
    expect(calls.tooltip.at(-1)).toBe('Convertr: idle');
  });

  it('offers show, pause/resume, the four modes, the output folder and quit', () => {
    const { port, calls } = fakeTray();
    const tray = new TrayController(port, actions);
    tray.update([{ status: 'running', progress: 0.1 }], true, 'auto');
    expect(calls.menu.at(-1)).toEqual(['Show Convertr', 'Resume queue', '', 'Mode: local', 'Mode: hosted', 'Mode: auto', 'Mode: hybrid', '', 'Open output folder', 'Quit']);
    expect(calls.tooltip.at(-1)).toMatch(/paused/);
  });
});
