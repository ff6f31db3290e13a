import { create } from 'zustand';
import type { AppFactsView, ConversionOptionsView, PresetView, ReviewRowView } from '../../../preload/contract';
import { call } from '../api/bridge';
import { choiceForFile, choicesByName, choicesFromPlan, presetFits, type FileChoices } from '../lib/rowChoices';
import { useFacts } from './factsStore';
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
  /** Set by hand on this row (null: the preset's, or the defaults); a new preset starts from its own. */
  options: ConversionOptionsView | null;
  /** What the file can become and what Smart would do: by its name, then as core read it. */
  choices: FileChoices;
}

interface PendingState {
  rows: PendingRow[];
  starting: boolean;
  /** Whether the kept review list has been read (nothing is saved before, so that a reload cannot empty it). */
  loaded: boolean;
  /** Reads the review list kept in the data folder (a reload, a restart). */
  load(): Promise<void>;
  /** Adds dropped files; the toolbar's target and preset apply to the files they fit, the others keep Smart. */
  add(paths: string[], choice: { target: Target; preset: PresetView | undefined }): void;
  change(key: number, change: Partial<Pick<PendingRow, 'target' | 'preset' | 'options'>>): void;
  remove(key: number): void;
  clear(): void;
  /** Enqueues every row with its own target, preset and options: one batch per distinct choice. */
  start(onConflict: ConflictView): Promise<void>;
}

let nextKey = 1;
const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** Core reads each file and corrects what its name suggested (a .mp4 with sound only, a misnamed picture). */
function correctByContent(
  added: PendingRow[], facts: AppFactsView, refit: (row: PendingRow, choices: FileChoices) => PendingRow,
  set: (update: (state: PendingState) => Partial<PendingState>) => void,
): void {
  if (added.length === 0) return;
  void call('queue:plan', { paths: added.map((row) => row.path) }).then(({ plans }) => {
    const byPath = new Map(plans.map((plan) => [plan.path, plan]));
    const keys = new Set(added.map((row) => row.key));
    set((state) => ({
      rows: state.rows.map((row) => {
        const plan = byPath.get(row.path);
        return keys.has(row.key) && plan ? refit(row, choicesFromPlan(facts, plan)) : row;
      }),
    }));
  }, () => undefined);
}

export const usePending = create<PendingState>((set, get) => ({
  rows: [],
  starting: false,
  loaded: false,
  load: async () => {
    const { rows } = await call('review:get', {}).catch(() => ({ rows: [] as ReviewRowView[] }));
    const facts = useFacts.getState().facts ?? (await useFacts.getState().load(), useFacts.getState().facts);
    if (!facts) return set({ loaded: true });
    const restored = rows.map((row) => ({ key: nextKey++, path: row.path, name: baseName(row.path), target: row.target, preset: row.preset, options: row.options ?? null, choices: choicesByName(facts, baseName(row.path)) }));
    set((state) => ({ rows: [...restored, ...state.rows], loaded: true }));
    correctByContent(restored, facts, (row, choices) => ({ ...row, choices }), set);
  },
  add: (paths, choice) => {
    const facts = useFacts.getState().facts;
    if (!facts) return;
    const added = paths.map((path) => {
      const name = baseName(path);
      const choices = choicesByName(facts, name);
      return { key: nextKey++, path, name, choices, options: null, ...choiceForFile(choice, choices) };
    });
    set((state) => ({ rows: [...state.rows, ...added] }));
    correctByContent(added, facts, (row, choices) => {
      const preset = choice.preset && row.preset === choice.preset.id ? choice.preset : undefined;
      const fits = (row.target === null || choices.targets.includes(row.target)) && (!preset || presetFits(preset, choices));
      return fits ? { ...row, choices } : { ...row, choices, ...choiceForFile(choice, choices) };
    }, set);
  },
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
        const id = `${row.target ?? ''}\n${row.preset ?? ''}\n${JSON.stringify(row.options)}`;
        groups.set(id, [...(groups.get(id) ?? []), row]);
      }
      for (const group of groups.values()) {
        const { target, preset, options } = group[0]!;
        await useQueue.getState().enqueue(group.map((row) => row.path), target, { preset, options, onConflict });
      }
      const started = new Set(rows.map((row) => row.key));
      set((state) => ({ rows: state.rows.filter((row) => !started.has(row.key)) }));
    } finally {
      set({ starting: false });
    }
  },
}));
