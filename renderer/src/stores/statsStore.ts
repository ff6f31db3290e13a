import { create } from 'zustand';
import type { StatsView } from '../../../preload/contract';
import { call } from '../api/bridge';

export type StatsWindow = '1d' | '7d' | '14d' | '30d';

interface StatsState {
  window: StatsWindow;
  stats: StatsView | null;
  error: string | null;
  setWindow(window: StatsWindow): Promise<void>;
  refresh(): Promise<void>;
}

export const useStats = create<StatsState>((set, get) => ({
  window: '14d',
  stats: null,
  error: null,
  setWindow: async (window) => {
    set({ window });
    await get().refresh();
  },
  refresh: async () => {
    try {
      set({ stats: await call('stats:get', { window: get().window }), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
}));
