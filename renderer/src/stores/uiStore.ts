import { create } from 'zustand';
import type { Target } from './queueStore';

export type View = 'queue' | 'stats' | 'settings' | 'folders';

interface UiState {
  view: View;
  target: Target;
  setView(view: View): void;
  setTarget(target: Target): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'queue',
  target: null,
  setView: (view) => set({ view }),
  setTarget: (target) => set({ target }),
}));
