import { create } from 'zustand';
import type { FolderRuleInput, FolderRuleView } from '../../../preload/contract';
import { call } from '../api/bridge';

interface FoldersState {
  rules: FolderRuleView[];
  error: string | null;
  /** A problem with the rule being added or edited, shown beside its button. */
  formError: string | null;
  setFormError(message: string | null): void;
  load(): Promise<void>;
  save(input: FolderRuleInput, id?: number): Promise<boolean>;
  setEnabled(id: number, enabled: boolean): Promise<void>;
  retry(id: number): Promise<void>;
  remove(id: number): Promise<void>;
}

export const useFolders = create<FoldersState>((set, get) => {
  const attempt = async (action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      set({ error: null });
      await get().load();
      return true;
    } catch (error) {
      set({ error: (error as Error).message });
      return false;
    }
  };
  return {
    rules: [],
    error: null,
    formError: null,
    setFormError: (message) => set({ formError: message }),
    load: async () => {
      try {
        set({ rules: (await call('folders:list', {})).rules });
      } catch (error) {
        set({ error: (error as Error).message });
      }
    },
    save: async (input, id) => {
      try {
        await (id === undefined ? call('folders:add', input) : call('folders:update', { ...input, id }));
        set({ formError: null });
        await get().load();
        return true;
      } catch (error) {
        set({ formError: (error as Error).message });
        return false;
      }
    },
    setEnabled: async (id, enabled) => {
      await attempt(() => call('folders:setEnabled', { id, enabled }));
    },
    retry: async (id) => {
      await attempt(() => call('folders:retry', { id }));
    },
    remove: async (id) => {
      await attempt(() => call('folders:remove', { id }));
    },
  };
});
