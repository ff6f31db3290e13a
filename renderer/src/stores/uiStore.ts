import { create } from 'zustand';
import type { ConflictView, Target } from './queueStore';

export type View = 'queue' | 'stats' | 'settings' | 'folders';

interface UiState {
  view: View;
  target: Target;
  /** The preset a drop converts with (its target unless one is picked). */
  preset: string | null;
  onConflict: ConflictView;
  /** Opens the file chooser of the drop zone (set by DropZone once it is mounted). */
  pickFiles: (() => void) | null;
  setView(view: View): void;
  setTarget(target: Target): void;
  setPreset(preset: string | null): void;
  setOnConflict(policy: ConflictView): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'queue',
  target: null,
  preset: null,
  onConflict: 'keep-both',
  pickFiles: null,
  setView: (view) => set({ view }),
  setTarget: (target) => set({ target }),
  setPreset: (preset) => set({ preset }),
  setOnConflict: (onConflict) => set({ onConflict }),
}));
