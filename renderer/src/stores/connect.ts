import { subscribe } from '../api/bridge';
import { useFacts } from './factsStore';
import { useFolders } from './foldersStore';
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
  void useFacts.getState().load();
  void useQueue.getState().load();
  void useSettings.getState().load();
  void useStats.getState().refresh();
  void usePresets.getState().load();
  return () => off.forEach((unsubscribe) => unsubscribe());
}
