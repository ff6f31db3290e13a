import { create } from 'zustand';
import type { Settings, SettingsUpdate } from '../../../preload/contract';
import { call } from '../api/bridge';

/** A sentence shown beside the control it is about; `ok` says whether it reports success or a problem. */
export interface Feedback {
  text: string;
  ok: boolean;
}

interface SettingsState {
  settings: Settings | null;
  /** Beside the Save button. */
  status: Feedback | null;
  /** Beside the account buttons. */
  accountStatus: Feedback | null;
  load(): Promise<void>;
  replace(settings: Settings): void;
  save(change: SettingsUpdate): Promise<boolean>;
  register(details: { name: string; email: string; password: string }): Promise<void>;
  logout(): Promise<void>;
  /** True when the token was kept; the caller clears its field either way so the token does not linger in the window. */
  signIn(token: string): Promise<boolean>;
}

const problem = (error: unknown): Feedback => ({ text: (error as Error).message, ok: false });

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  status: null,
  accountStatus: null,
  load: async () => set({ settings: await call('settings:get', {}) }),
  replace: (settings) => set({ settings }),
  save: async (change) => {
    try {
      set({ settings: await call('settings:set', change), status: { text: 'Saved.', ok: true } });
      return true;
    } catch (error) {
      set({ status: problem(error) });
      return false;
    }
  },
  register: async (details) => {
    try {
      const result = await call('account:register', details);
      set({ accountStatus: { ok: true, text: `Registered${result.cohort ? ` (cohort ${result.cohort})` : ''}; the token is ${result.keychain === 'stored' ? 'kept in the system keychain' : 'kept for this session only: no keychain is available'}.` } });
    } catch (error) {
      set({ accountStatus: problem(error) });
    }
  },
  signIn: async (token) => {
    try {
      const result = await call('account:signIn', { token });
      set({ accountStatus: { ok: true, text: `Signed in to ${result.apiOrigin}; the token is ${result.keychain === 'stored' ? 'kept in the system keychain' : 'kept for this session only: no keychain is available'}.` } });
      return true;
    } catch (error) {
      set({ accountStatus: problem(error) });
      return false;
    }
  },
  logout: async () => {
    try {
      await call('account:logout', {});
      set({ accountStatus: { ok: true, text: 'Logged out; conversions on the hosted API are anonymous now.' } });
    } catch (error) {
      set({ accountStatus: problem(error) });
    }
  },
}));
