import { useEffect, useState, type FormEvent } from 'react';
import { OUTPUT_FORMAT_VALUES } from '../../../preload/contract';
import { call } from '../api/bridge';

type Rule = Record<string, unknown>;

export function FoldersView() {
  const [rules, setRules] = useState<Rule[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({ inputFolder: '', outputFolder: '', target: 'jpg' as (typeof OUTPUT_FORMAT_VALUES)[number], recursive: true });
  const load = () => call('folders:list', {}).then((r) => setRules(r.rules), (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
  const add = (e: FormEvent) => {
    e.preventDefault();
    void call('folders:add', { inputFolder: draft.inputFolder, outputFolder: draft.outputFolder || null, target: draft.target, recursive: draft.recursive }).then(load, (err: Error) => setError(err.message));
  };
  return (
    <section className="folders-view" aria-label="Batch folders">
      {error && <p role="alert">{error}</p>}
      <ul>
        {rules.map((rule) => (
          <li key={String(rule['id'])}>
            {String(rule['inputFolder'])} → {String(rule['target']).toUpperCase()} {rule['lastError'] ? <span className="job-error">{String(rule['lastError'])}</span> : null}
            <button type="button" onClick={() => void call('folders:remove', { id: Number(rule['id']) }).then(load)}>Remove</button>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label>Watch folder <input type="text" value={draft.inputFolder} onChange={(e) => setDraft({ ...draft, inputFolder: e.target.value })} required /></label>
        <label>Output folder <input type="text" value={draft.outputFolder} placeholder="beside the originals" onChange={(e) => setDraft({ ...draft, outputFolder: e.target.value })} /></label>
        <label>Convert to <select value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value as typeof draft.target })}>{OUTPUT_FORMAT_VALUES.map((f) => <option key={f} value={f}>{f.toUpperCase()}</option>)}</select></label>
        <label><input type="checkbox" checked={draft.recursive} onChange={(e) => setDraft({ ...draft, recursive: e.target.checked })} /> Include sub-folders</label>
        <button type="submit">Add rule</button>
      </form>
    </section>
  );
}
