import { call, subscribe } from '../api/bridge';
import { useFacts } from './factsStore';
import { useFolders } from './foldersStore';
import { usePending } from './pendingStore';
import { usePresets } from './presetsStore';
import { useQueue } from './queueStore';
import { useSettings } from './settingsStore';
import { useStats } from './statsStore';
import { useUi } from './uiStore';

/** Feeds the stores from the contract's events and loads what the window shows first. */
export function connectStores(): () => void {
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const off = [
    subscribe('job:update', (view) => useQueue.getState().apply(view)),
    subscribe('batch:finished', (summary) => {
      useQueue.getState().batchFinished(summary);
      void useQueue.getState().refreshInterrupted();
      void useStats.getState().refresh();
    }),
    subscribe('batch:show', ({ batchId }) => {
      useUi.getState().setView('queue');
      useQueue.getState().focusBatch(batchId);
    }),
    subscribe('settings:changed', (settings) => useSettings.getState().replace(settings)),
    subscribe('folders:changed', () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        void useFolders.getState().load();
      }, 300);
    }),
  ];
  // The review list is kept in the data folder: every change is saved (shortly after, once it has been read).
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const stopSaving = usePending.subscribe((state, previous) => {
    if (!state.loaded || (state.rows === previous.rows && state.loaded === previous.loaded)) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const rows = usePending.getState().rows.map(({ path, target, preset, options }) => ({ path, target, preset, options }));
      void call('review:set', { rows }).catch(() => undefined);
    }, 150);
  });
  off.push(stopSaving);
  void useFacts.getState().load().then(() => usePending.getState().load());
  void useQueue.getState().load();
  void useSettings.getState().load();
  void useStats.getState().refresh();
  void usePresets.getState().load();
  return () => off.forEach((unsubscribe) => unsubscribe());
}
