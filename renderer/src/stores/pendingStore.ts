import { create } from 'zustand';
import type { ConflictView, Target } from './queueStore';
import { useQueue } from './queueStore';

/** A dropped file waiting for Start (review mode): renderer state only, never enqueued or stored until then. */
export interface PendingRow {
  key: number;
  path: string;
  name: string;
  /** null: Smart, or the preset's target when a preset is picked. */
  target: Target;
  preset: string | null;
}

interface PendingState {
  rows: PendingRow[];
  starting: boolean;
  add(paths: string[], choice: { target: Target; preset: string | null }): void;
  change(key: number, change: Partial<Pick<PendingRow, 'target' | 'preset'>>): void;
  remove(key: number): void;
  clear(): void;
  /** Enqueues every row with its own target and preset: one batch per distinct choice. */
  start(onConflict: ConflictView): Promise<void>;
}

let nextKey = 1;
const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

export const usePending = create<PendingState>((set, get) => ({
  rows: [],
  starting: false,
  add: (paths, choice) => set((state) => ({ rows: [...state.rows, ...paths.map((path) => ({ key: nextKey++, path, name: baseName(path), ...choice }))] })),
  change: (key, change) => set((state) => ({ rows: state.rows.map((row) => (row.key === key ? { ...row, ...change } : row)) })),
  remove: (key) => set((state) => ({ rows: state.rows.filter((row) => row.key !== key) })),
  clear: () => set({ rows: [] }),
  start: async (onConflict) => {
    const rows = get().rows;
    if (rows.length === 0 || get().starting) return;
    set({ starting: true });
    try {
      const groups = new Map<string, PendingRow[]>();
      for (const row of rows) {
        const id = `${row.target ?? ''}\n${row.preset ?? ''}`;
        groups.set(id, [...(groups.get(id) ?? []), row]);
      }
      for (const group of groups.values()) {
        const { target, preset } = group[0]!;
        await useQueue.getState().enqueue(group.map((row) => row.path), target, { preset, onConflict });
      }
      const started = new Set(rows.map((row) => row.key));
      set((state) => ({ rows: state.rows.filter((row) => !started.has(row.key)) }));
    } finally {
      set({ starting: false });
    }
  },
}));
