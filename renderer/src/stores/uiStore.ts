import { create } from 'zustand';
import type { Target } from './queueStore';

export type View = 'queue' | 'stats' | 'settings' | 'folders';

interface UiState {
  view: View;
  target: Target;
  /** Opens the file chooser of the drop zone (set by DropZone once it is mounted). */
  pickFiles: (() => void) | null;
  setView(view: View): void;
  setTarget(target: Target): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'queue',
  target: null,
  pickFiles: null,
  setView: (view) => set({ view }),
  setTarget: (target) => set({ target }),
}));
