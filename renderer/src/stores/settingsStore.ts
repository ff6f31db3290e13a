import { create } from 'zustand';
import type { Settings, SettingsUpdate } from '../../../preload/contract';
import { call } from '../api/bridge';

interface SettingsState {
  settings: Settings | null;
  status: string | null;
  load(): Promise<void>;
  replace(settings: Settings): void;
  save(change: SettingsUpdate): Promise<void>;
  register(details: { name: string; email: string; password: string }): Promise<void>;
  logout(): Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  status: null,
  load: async () => set({ settings: await call('settings:get', {}) }),
  replace: (settings) => set({ settings }),
  save: async (change) => {
    try {
      set({ settings: await call('settings:set', change), status: 'Saved.' });
    } catch (error) {
      set({ status: (error as Error).message });
    }
  },
  register: async (details) => {
    try {
      const result = await call('account:register', details);
      set({ status: `Registered${result.cohort ? ` (cohort ${result.cohort})` : ''}; the token is ${result.keychain === 'stored' ? 'kept in the system keychain' : 'kept for this session only: no keychain is available'}.` });
    } catch (error) {
      set({ status: (error as Error).message });
    }
  },
  logout: async () => {
    try {
      await call('account:logout', {});
      set({ status: 'Logged out; conversions on the hosted API are anonymous now.' });
    } catch (error) {
      set({ status: (error as Error).message });
    }
  },
}));
