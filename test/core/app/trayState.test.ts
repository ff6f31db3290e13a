import { describe, expect, it } from 'vitest';
import { trayStateFor } from '../../../main/core/app/trayState';

describe('tray state', () => {
  it('counts a skipped file as finished, not as work left or as a failure', () => {
    const state = trayStateFor([{ status: 'skipped', progress: 0 }, { status: 'succeeded', progress: 1 }, { status: 'running', progress: 0.5 }, { status: 'queued', progress: 0 }], false);
    expect(state).toEqual({ icon: 'working', tooltip: 'Convertr: converting 2 of 4 (63%)', progress: 0.625 });
    expect(trayStateFor([{ status: 'skipped', progress: 0 }], false)).toEqual({ icon: 'idle', tooltip: 'Convertr: idle', progress: -1 });
  });
});
