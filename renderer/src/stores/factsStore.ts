import { create } from 'zustand';
import type { AppFactsView } from '../../../preload/contract';
import { call } from '../api/bridge';

interface FactsState {
  /** Formats, pairs, modes, ceilings and option limits as core defines them; null until `app:facts` answers. */
  facts: AppFactsView | null;
  error: string | null;
  load(): Promise<void>;
}

export const useFacts = create<FactsState>((set) => ({
  facts: null,
  error: null,
  load: async () => {
    try {
      set({ facts: await call('app:facts', {}), error: null });
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
}));

/** The facts, for components shown once they have arrived (the App waits for them). */
export function useAppFacts(): AppFactsView {
  const facts = useFacts((s) => s.facts);
  if (!facts) throw new Error('The window asked for the app facts before they arrived.');
  return facts;
}
