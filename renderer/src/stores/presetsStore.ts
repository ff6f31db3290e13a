import { create } from 'zustand';
import type { ConversionOptionsView, PresetView } from '../../../preload/contract';
import { call } from '../api/bridge';

export interface PresetDraft {
  name: string;
  target: PresetView['target'];
  options: ConversionOptionsView;
}

interface PresetsState {
  presets: PresetView[];
  status: { ok: boolean; text: string } | null;
  load(): Promise<void>;
  /** Saves a new preset, or changes the one with `id`; true when it was kept. */
  save(draft: PresetDraft, id?: string): Promise<boolean>;
  remove(id: string): Promise<void>;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const usePresets = create<PresetsState>((set, get) => ({
  presets: [],
  status: null,
  load: async () => {
    const { presets } = await call('presets:list', {});
    set({ presets });
  },
  save: async (draft, id) => {
    try {
      const saved = id ? await call('presets:update', { id, ...draft }) : await call('presets:save', draft);
      await get().load();
      set({ status: { ok: true, text: `Saved the preset "${saved.name}".` } });
      return true;
    } catch (error) {
      set({ status: { ok: false, text: errorText(error) } });
      return false;
    }
  },
  remove: async (id) => {
    try {
      const name = get().presets.find((p) => p.id === id)?.name ?? id;
      await call('presets:delete', { id });
      await get().load();
      set({ status: { ok: true, text: `Deleted the preset "${name}".` } });
    } catch (error) {
      set({ status: { ok: false, text: errorText(error) } });
    }
  },
}));
