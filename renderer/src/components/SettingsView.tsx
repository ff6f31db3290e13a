import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../../preload/contract';
import { useSettings } from '../stores/settingsStore';

const PLAN = { video: 20, audio: 40, image: 256 };

export function SettingsView() {
  const { settings, status, save, register, logout } = useSettings();
  const [draft, setDraft] = useState<Settings | null>(settings);
  const [label, setLabel] = useState('');
  const [account, setAccount] = useState({ name: '', email: '', password: '' });
  useEffect(() => setDraft(settings), [settings]);
  if (!draft) return <p>Loading settings…</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({ mode: draft.mode, apiUrl: draft.apiUrl, notifications: draft.notifications, outputFolder: draft.outputFolder, concurrency: draft.concurrency, ...(label !== '' ? { clientLabel: label } : {}) });
    setLabel('');
  };

  return (
    <section className="settings-view" aria-label="Settings">
      <form onSubmit={submit}>
        <fieldset>
          <legend>Where conversions run</legend>
          {(['local', 'hosted', 'auto'] as const).map((mode) => (
            <label key={mode}><input type="radio" name="mode" value={mode} checked={draft.mode === mode} onChange={() => setDraft({ ...draft, mode })} /> {mode === 'local' ? 'On this computer' : mode === 'hosted' ? 'Hosted Convertr API' : 'Automatic'}</label>
          ))}
          <label>API URL <input type="url" value={draft.apiUrl} onChange={(e) => setDraft({ ...draft, apiUrl: e.target.value })} /></label>
          <label>Client label <input type="text" value={label} placeholder={draft.clientCohort ? `set (stored as ${draft.clientCohort})` : 'optional'} onChange={(e) => setLabel(e.target.value)} /></label>
          <p className="hint">Only a hash of the label (a cohort) is stored with your conversions; the label itself is never saved.</p>
        </fieldset>
        <fieldset>
          <legend>Output</legend>
          <label><input type="radio" name="output" checked={draft.outputFolder === null} onChange={() => setDraft({ ...draft, outputFolder: null })} /> Beside each original</label>
          <label><input type="radio" name="output" checked={draft.outputFolder !== null} onChange={() => setDraft({ ...draft, outputFolder: draft.outputFolder ?? '' })} /> In one folder:</label>
          {draft.outputFolder !== null && <input type="text" aria-label="Output folder" value={draft.outputFolder} onChange={(e) => setDraft({ ...draft, outputFolder: e.target.value })} />}
          <label><input type="checkbox" checked={draft.notifications} onChange={(e) => setDraft({ ...draft, notifications: e.target.checked })} /> Notify me when a batch finishes</label>
        </fieldset>
        <fieldset>
          <legend>Simultaneous conversions</legend>
          {(['video', 'audio', 'image'] as const).map((kind) => (
            <label key={kind}>{kind} <input type="number" min={1} max={PLAN[kind]} value={draft.concurrency[kind]} onChange={(e) => setDraft({ ...draft, concurrency: { ...draft.concurrency, [kind]: Number(e.target.value) } })} /> <span className="hint">plan allows {kind === 'image' ? 'unlimited' : PLAN[kind]}</span></label>
          ))}
        </fieldset>
        <button type="submit" className="primary">Save settings</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void register(account); }}>
        <fieldset>
          <legend>Hosted account</legend>
          <label>Name <input type="text" value={account.name} onChange={(e) => setAccount({ ...account, name: e.target.value })} /></label>
          <label>Email <input type="email" value={account.email} onChange={(e) => setAccount({ ...account, email: e.target.value })} /></label>
          <label>Password <input type="password" value={account.password} onChange={(e) => setAccount({ ...account, password: e.target.value })} /></label>
          <div className="toolbar">
            <button type="submit">Register</button>
            <button type="button" onClick={() => void logout()}>Log out</button>
          </div>
        </fieldset>
      </form>
      {status && <p role="status" data-testid="settings-status">{status}</p>}
    </section>
  );
}
