import type { KeyboardEvent } from 'react';
import { useQueue } from '../stores/queueStore';
import { useUi, type View } from '../stores/uiStore';
import { DropZone } from './DropZone';
import { FoldersView } from './FoldersView';
import { QueueView } from './QueueView';
import { SettingsView } from './SettingsView';
import { StatsView } from './StatsView';
import { TargetPicker } from './TargetPicker';

const VIEWS: { id: View; label: string }[] = [
  { id: 'queue', label: 'Queue' },
  { id: 'stats', label: 'Stats' },
  { id: 'settings', label: 'Settings' },
  { id: 'folders', label: 'Batch folders' },
];

function Tabs() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const onKey = (e: KeyboardEvent) => {
    const index = VIEWS.findIndex((v) => v.id === view);
    if (e.key === 'ArrowRight') setView(VIEWS[(index + 1) % VIEWS.length]!.id);
    if (e.key === 'ArrowLeft') setView(VIEWS[(index + VIEWS.length - 1) % VIEWS.length]!.id);
  };
  return (
    <nav role="tablist" aria-label="Views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button key={v.id} role="tab" type="button" aria-selected={view === v.id} tabIndex={view === v.id ? 0 : -1} onClick={() => setView(v.id)}>{v.label}</button>
      ))}
    </nav>
  );
}

function Message() {
  const message = useQueue((s) => s.message);
  const dismiss = useQueue((s) => s.dismissMessage);
  if (!message) return null;
  return (
    <div className="message" role="alert">
      {message} <button type="button" onClick={dismiss} aria-label="Dismiss">×</button>
    </div>
  );
}

export function App() {
  const view = useUi((s) => s.view);
  return (
    <div className="app">
      <header>
        <h1>Convertr</h1>
        <Tabs />
        <div className="header-actions">
          <TargetPicker />
          <DropZone />
        </div>
      </header>
      <Message />
      <main>
        {view === 'queue' && <QueueView />}
        {view === 'stats' && <StatsView />}
        {view === 'settings' && <SettingsView />}
        {view === 'folders' && <FoldersView />}
      </main>
    </div>
  );
}
