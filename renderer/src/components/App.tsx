import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { UNAUTHORIZED_EVENT, UPLOAD_FAILED_EVENT } from '../api/bridge';
import { useFacts } from '../stores/factsStore';
import { usePresets } from '../stores/presetsStore';
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

/** WAI-ARIA tabs: arrows, Home and End select a tab and move the focus with the selection. */
function Tabs() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const select = (id: View) => {
    setView(id);
    buttons.current[id]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const index = VIEWS.findIndex((v) => v.id === view);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: VIEWS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    select(VIEWS[(next + VIEWS.length) % VIEWS.length]!.id);
  };
  return (
    <nav role="tablist" aria-label="Views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          ref={(element) => {
            buttons.current[v.id] = element;
          }}
          id={`tab-${v.id}`}
          role="tab"
          type="button"
          aria-selected={view === v.id}
          aria-controls="view-panel"
          tabIndex={view === v.id ? 0 : -1}
          onClick={() => setView(v.id)}
        >
          {v.label}
        </button>
      ))}
    </nav>
  );
}

/**
 * The conversion choices: inline where the window is wide enough, behind one button (showing the chosen target)
 * where it is not, so the header stays one row. Escape closes the menu and gives the focus back to its button.
 */
function PickerMenu() {
  const [open, setOpen] = useState(false);
  const target = useUi((s) => s.target);
  const presetId = useUi((s) => s.preset);
  const presets = usePresets((s) => s.presets);
  // A preset's target names the button when no target is chosen, as the picker's own first choice does.
  const chosen = presets.find((p) => p.id === presetId);
  const toggle = useRef<HTMLButtonElement>(null);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return;
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div className={open ? 'picker-menu open' : 'picker-menu'} onKeyDown={onKey}>
      <button ref={toggle} type="button" className="picker-toggle" aria-expanded={open} aria-controls="conversion-choices" onClick={() => setOpen(!open)}>
        Convert to {target ? target.toUpperCase() : chosen ? `${chosen.target.toUpperCase()}, others Smart` : 'Smart'} <span aria-hidden="true">▾</span>
      </button>
      <div id="conversion-choices" className="picker-panel">
        <TargetPicker />
      </div>
    </div>
  );
}

/** A problem as an alert in the error colour; a notice (nothing went wrong) as a neutral status. */
function Message() {
  const message = useQueue((s) => s.message);
  const notice = useQueue((s) => s.notice);
  const dismissMessage = useQueue((s) => s.dismissMessage);
  const text = message ?? notice;
  if (!text) return null;
  // The button goes with the message: the keyboard's focus goes back to the view's tab, not to the page.
  const dismiss = () => {
    dismissMessage();
    document.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
  };
  return (
    <div className={message ? 'message' : 'message notice'} role={message ? 'alert' : 'status'}>
      <span>{text}</span>
      <button type="button" onClick={dismiss} aria-label="Dismiss message">×</button>
    </div>
  );
}

/** What a browser tab shows when it was opened without the web host's token, or the token went stale. */
export function TokenGate({ stale }: { stale: boolean }) {
  return (
    <main className="gate" aria-labelledby="gate-title">
      <h1 id="gate-title">{stale ? 'This Convertr address has expired' : 'Open Convertr from its full address'}</h1>
      <p>
        {stale
          ? 'The convertr serve that opened this tab has stopped or restarted, so this tab can no longer reach it.'
          : 'This address is missing its key, so Convertr cannot show your queue or convert anything from this tab.'}
      </p>
      <p>
        Run <code>convertr serve</code> (or <code>npm run -s convertr -- serve</code> in a checkout) and open the whole address it prints, including the part that starts with{' '}
        <code>#token=</code>. Anyone without that address is refused.
      </p>
    </main>
  );
}

export function App() {
  const view = useUi((s) => s.view);
  const { facts, error: factsError } = useFacts();
  const [stale, setStale] = useState(false);
  useEffect(() => {
    const unauthorized = () => setStale(true);
    const uploadFailed = (event: Event) => useQueue.setState({ message: (event as CustomEvent<string>).detail });
    window.addEventListener(UNAUTHORIZED_EVENT, unauthorized);
    window.addEventListener(UPLOAD_FAILED_EVENT, uploadFailed);
    return () => {
      window.removeEventListener(UNAUTHORIZED_EVENT, unauthorized);
      window.removeEventListener(UPLOAD_FAILED_EVENT, uploadFailed);
    };
  }, []);
  if (stale) return <TokenGate stale />;
  // Formats, modes and limits come from the engine: nothing that offers a choice is shown before they do.
  if (!facts) return <main className="gate" aria-busy={factsError === null}><p role={factsError ? 'alert' : 'status'}>{factsError ? `The engine did not answer: ${factsError}` : 'Starting…'}</p></main>;
  return (
    <div className="app">
      <header>
        <h1>
          <img src="./favicon.png" alt="" />
          <span className="app-name">Convertr</span>
        </h1>
        <Tabs />
        <div className="header-actions">
          <PickerMenu />
          <DropZone />
        </div>
      </header>
      <Message />
      <main>
        <div id="view-panel" className="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`}>
          {view === 'queue' && <QueueView />}
          {view === 'stats' && <StatsView />}
          {view === 'settings' && <SettingsView />}
          {view === 'folders' && <FoldersView />}
        </div>
      </main>
    </div>
  );
}
