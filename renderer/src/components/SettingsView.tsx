import { useEffect, useState, type FormEvent } from 'react';
import type { ModeView, Settings } from '../../../preload/contract';
import { kindTitle } from '../lib/facts';
import { settingsProblems, type Problems, type SettingsField as Field } from '../lib/validation';
import { useAppFacts } from '../stores/factsStore';
import { useSettings, type Feedback } from '../stores/settingsStore';
import { FolderPickButton } from './FolderPickButton';
import { PresetsEditor } from './PresetsEditor';
import { NameTemplateSetting } from './NameTemplateSetting';
import { SPEED_LABEL } from './OptionsFields';

/** Modes that send files to the hosted API, so its address, label, upload options and account matter. */
const usesHosted = (mode: ModeView) => mode !== 'local';

const MODE_LABEL: Record<ModeView, string> = { local: 'On this computer', hosted: 'Hosted Convertr API', auto: 'Automatic', hybrid: 'Hybrid: here first, hosted when that finishes sooner, within a budget' };

function Note({ id, feedback }: { id: string; feedback: Feedback | null }) {
  return (
    <span id={id} role="status" data-testid={id} className={feedback ? (feedback.ok ? 'status-ok' : 'status-bad') : undefined}>
      {feedback?.text}
    </span>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? <span id={id} className="field-error">{text}</span> : null;
}

export function SettingsView() {
  const { settings, status, accountStatus, save, register, logout, signIn } = useSettings();
  const facts = useAppFacts();
  const [draft, setDraft] = useState<Settings | null>(settings);
  const [label, setLabel] = useState('');
  const [account, setAccount] = useState({ name: '', email: '', password: '' });
  const [token, setToken] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  useEffect(() => setDraft(settings), [settings]);
  if (!draft) return <p>Loading settings…</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = settingsProblems(draft, facts);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      useSettings.setState({ status: { ok: false, text: 'Not saved: fix the highlighted fields.' } });
      return;
    }
    const outputFolder = draft.outputFolder === null ? null : draft.outputFolder.trim();
    void save({ mode: draft.mode, apiUrl: draft.apiUrl, hybridBudgetUsd: draft.hybridBudgetUsd, stripPhotoLocation: draft.stripPhotoLocation, notifications: draft.notifications, onDrop: draft.onDrop, encodingSpeed: draft.encodingSpeed, outputFolder, concurrency: draft.concurrency, ...(label !== '' ? { clientLabel: label } : {}) }).then((ok) => {
      if (ok) setLabel('');
      else {
        const message = useSettings.getState().status?.text ?? '';
        if (/output folder/i.test(message)) setProblems({ outputFolder: message });
      }
    });
  };
  const invalid = (field: Field) => (problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `error-${field}` } : {});

  return (
    <section className="settings-view" aria-label="Settings">
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Where conversions run</legend>
          {facts.modes.map((mode) => (
            <label key={mode}><input type="radio" name="mode" value={mode} checked={draft.mode === mode} onChange={() => setDraft({ ...draft, mode })} /> {MODE_LABEL[mode]}</label>
          ))}
          {draft.mode === 'hybrid' && (
            <label>Monthly hosted budget (USD) <input type="number" min={0} step={0.01} value={draft.hybridBudgetUsd} onChange={(e) => setDraft({ ...draft, hybridBudgetUsd: Math.max(0, Number(e.target.value) || 0) })} /></label>
          )}
          {usesHosted(draft.mode) ? (
            <div className="hosted-fields" data-testid="hosted-fields">
              <label><input type="checkbox" checked={draft.stripPhotoLocation} onChange={(e) => setDraft({ ...draft, stripPhotoLocation: e.target.checked })} /> Remove location and camera serial numbers from photos before upload</label>
              <div className="field">
                <label>API URL <input type="url" value={draft.apiUrl} {...invalid('apiUrl')} onChange={(e) => setDraft({ ...draft, apiUrl: e.target.value })} /></label>
                <FieldError id="error-apiUrl" text={problems.apiUrl} />
              </div>
              <label>Client label <input type="text" value={label} placeholder={draft.clientCohort ? `set (stored as ${draft.clientCohort})` : 'optional'} onChange={(e) => setLabel(e.target.value)} /></label>
              <p className="hint">The label is sent to the hosted API and kept in the system keychain; only its hash (a cohort) is stored with your conversions.</p>
            </div>
          ) : (
            <p className="hint" data-testid="local-only-hint">Files stay on this computer. The hosted API's settings and account appear when you choose a mode that uses it.</p>
          )}
        </fieldset>
        <fieldset>
          <legend>When files are dropped</legend>
          <label><input type="radio" name="onDrop" checked={draft.onDrop === 'start'} onChange={() => setDraft({ ...draft, onDrop: 'start' })} /> Start converting at once</label>
          <label><input type="radio" name="onDrop" checked={draft.onDrop === 'review'} onChange={() => setDraft({ ...draft, onDrop: 'review' })} /> Let me review them first</label>
        </fieldset>
        <fieldset>
          <legend>Output</legend>
          <label><input type="radio" name="output" checked={draft.outputFolder === null} onChange={() => setDraft({ ...draft, outputFolder: null })} /> Beside each original</label>
          <label><input type="radio" name="output" checked={draft.outputFolder !== null} onChange={() => setDraft({ ...draft, outputFolder: draft.outputFolder ?? '' })} /> In one folder:</label>
          {draft.outputFolder !== null && (
            <div className="field">
              <input type="text" aria-label="Output folder" placeholder="a full path, such as /home/you/Converted" value={draft.outputFolder} {...invalid('outputFolder')} onChange={(e) => setDraft({ ...draft, outputFolder: e.target.value })} />
              <FolderPickButton purpose="output" label="Choose the output folder" onPicked={(folder) => setDraft({ ...draft, outputFolder: folder })} />
              <FieldError id="error-outputFolder" text={problems.outputFolder} />
            </div>
          )}
          <label><input type="checkbox" checked={draft.notifications} onChange={(e) => setDraft({ ...draft, notifications: e.target.checked })} /> Notify me when a batch finishes</label>
        </fieldset>
        <fieldset>
          <legend>Video encoding</legend>
          <label>Encoding speed <select value={draft.encodingSpeed} aria-describedby="encoding-speed-hint" onChange={(e) => setDraft({ ...draft, encodingSpeed: e.target.value as Settings['encodingSpeed'] })}>{facts.options.speeds.map((speed) => <option key={speed} value={speed}>{SPEED_LABEL[speed]}</option>)}</select></label>
          <p className="hint" id="encoding-speed-hint">
            {draft.mode === 'local'
              ? 'For video and GIF conversions whose preset or row options choose no speed of their own: slower makes smaller files.'
              : 'Used when conversions run “On this computer”. In this mode the hosted API encodes with its own settings: a speed chosen on a preset or a row keeps that file on this computer, and the others convert at Balanced.'}
          </p>
        </fieldset>
        <fieldset>
          <legend>Simultaneous conversions</legend>
          {facts.kinds.map((kind) => (
            <div className="field" key={kind}>
              <label>{kindTitle(kind)} <input type="number" min={1} max={facts.planCeilings[kind] ?? undefined} value={Number.isNaN(draft.concurrency[kind]) ? '' : draft.concurrency[kind]} {...invalid(kind)} onChange={(e) => setDraft({ ...draft, concurrency: { ...draft.concurrency, [kind]: e.target.valueAsNumber } })} /> <span className="hint">plan allows {facts.planCeilings[kind] ?? 'unlimited'}</span></label>
              <FieldError id={`error-${kind}`} text={problems[kind]} />
            </div>
          ))}
        </fieldset>
        <div className="toolbar save-bar">
          <button type="submit" className="primary">Save settings</button>
          <Note id="settings-status" feedback={status} />
        </div>
      </form>
      {usesHosted(draft.mode) && (
        <section className="hosted-account" aria-labelledby="hosted-account-title">
          <h2 id="hosted-account-title" className="fieldset-title">Hosted account</h2>
          {draft.serviceCohort && <p className="hint" data-testid="service-cohort">Support cohort: {draft.serviceCohort}</p>}
          <form aria-label="Sign in with a token" onSubmit={(e) => {
            e.preventDefault();
            // The token leaves the window's state as soon as it is sent: the keychain holds it from here.
            const sent = token;
            setToken('');
            void signIn(sent);
          }}>
            <fieldset>
              <legend>I already have a token</legend>
              <label>API token <input type="password" value={token} autoComplete="off" spellCheck={false} placeholder="12|…" aria-describedby="token-hint" onChange={(e) => setToken(e.target.value)} /></label>
              <p className="hint" id="token-hint">Paste the token from your hosted account page. It is kept in the system keychain, never in the settings file.</p>
              <div className="toolbar">
                <button type="submit" disabled={token.trim() === ''}>Sign in</button>
              </div>
            </fieldset>
          </form>
          <form aria-label="Register" onSubmit={(e) => { e.preventDefault(); void register(account); }}>
            <fieldset>
              <legend>New here: register</legend>
              <label>Name <input type="text" value={account.name} autoComplete="name" onChange={(e) => setAccount({ ...account, name: e.target.value })} /></label>
              <label>Email <input type="email" value={account.email} autoComplete="email" onChange={(e) => setAccount({ ...account, email: e.target.value })} /></label>
              <label>Password <input type="password" value={account.password} autoComplete="new-password" onChange={(e) => setAccount({ ...account, password: e.target.value })} /></label>
              <div className="toolbar">
                <button type="submit">Register</button>
              </div>
            </fieldset>
          </form>
          <div className="toolbar">
            <button type="button" onClick={() => void logout()}>Log out</button>
            <Note id="account-status" feedback={accountStatus} />
          </div>
        </section>
      )}
      <NameTemplateSetting />
      <PresetsEditor />
    </section>
  );
}
