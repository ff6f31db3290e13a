import { useEffect, useState, type FormEvent } from 'react';
import type { FolderRuleInput, FolderRuleView, ModeView } from '../../../preload/contract';
import { useAppFacts } from '../stores/factsStore';
import { useFolders } from '../stores/foldersStore';
import { isFullPath } from '../lib/validation';
import { FolderPickButton } from './FolderPickButton';
import { FormatOptions } from './TargetPicker';
import { OptionsFields } from './OptionsFields';
import { offeredOptions, optionsFormOf, optionsFormProblems, optionsOfForm } from '../lib/optionsForm';

/** A new rule's options: core's defaults (balanced quality, keep both on a taken name). */
const NEW_RULE_OPTIONS = { quality: 'balanced', stripMetadata: false, onConflict: 'keep-both' } as const;

const MODE_LABEL: Record<ModeView, string> = { local: 'on this computer', hosted: 'with the hosted API', auto: 'automatically', hybrid: 'hybrid (within the monthly budget)' };
const list = (text: string) => text.split(',').map((p) => p.trim()).filter(Boolean);

/** The first thing wrong with a rule, in plain words, before it is sent. */
function ruleProblem(rule: FolderRuleInput): string | null {
  if (rule.inputFolder.trim() === '') return 'Type the folder to watch.';
  if (!isFullPath(rule.inputFolder)) return `The watch folder must be a full path that starts with /, not “${rule.inputFolder.trim()}”.`;
  if (rule.outputFolder !== null && !isFullPath(rule.outputFolder)) return `The output folder must be a full path that starts with /, not “${rule.outputFolder.trim()}”.`;
  if (rule.doneFolder !== null && !isFullPath(rule.doneFolder)) return `The folder for converted originals must be a full path that starts with /, not “${rule.doneFolder.trim()}”.`;
  return null;
}

function RuleForm({ initial, id, onDone }: { initial: FolderRuleInput; id?: number; onDone: () => void }) {
  const save = useFolders((s) => s.save);
  const formError = useFolders((s) => s.formError);
  const setFormError = useFolders((s) => s.setFormError);
  const facts = useAppFacts();
  const errorId = `rule-error-${id ?? 'new'}`;
  const [draft, setDraft] = useState(initial);
  const [include, setInclude] = useState(initial.include.join(', '));
  const [exclude, setExclude] = useState(initial.exclude.join(', '));
  const mb = facts.options.bytesPerMb;
  const [options, setOptions] = useState(() => optionsFormOf(initial.options ?? NEW_RULE_OPTIONS, mb));
  const offered = offeredOptions(facts, draft.target);
  const optionProblems = optionsFormProblems(options, facts, offered);
  const [showProblems, setShowProblems] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShowProblems(true);
    if (Object.keys(optionProblems).length > 0) return setFormError(Object.values(optionProblems)[0]!);
    const rule = { ...draft, options: optionsOfForm(options, mb, offered), inputFolder: draft.inputFolder.trim(), outputFolder: draft.outputFolder?.trim() || null, doneFolder: draft.doneFolder?.trim() || null, include: list(include), exclude: list(exclude) };
    const problem = ruleProblem(rule);
    if (problem) return setFormError(problem);
    void save(rule, id).then((ok) => ok && onDone());
  };
  return (
    <form onSubmit={submit} noValidate aria-label={id === undefined ? 'New batch folder' : 'Edit batch folder'}>
      <fieldset>
        <legend>{id === undefined ? 'New batch folder' : 'Edit batch folder'}</legend>
        <label>Watch folder <input type="text" value={draft.inputFolder} placeholder="a full path, such as /home/you/Camera" required aria-describedby={formError ? errorId : undefined} onChange={(e) => setDraft({ ...draft, inputFolder: e.target.value })} /></label>
        <FolderPickButton purpose="watch" label="Choose the watch folder" onPicked={(folder) => setDraft({ ...draft, inputFolder: folder })} />
        <label>Output folder <input type="text" value={draft.outputFolder ?? ''} placeholder="a “converted” folder inside it" onChange={(e) => setDraft({ ...draft, outputFolder: e.target.value || null })} /></label>
        <FolderPickButton purpose="output" label="Choose the output folder" onPicked={(folder) => setDraft({ ...draft, outputFolder: folder })} />
        <label>Convert to
          <select value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value as FolderRuleInput['target'] })}>
            <FormatOptions />
          </select>
        </label>
        {draft.preset && <p className="hint">Made from the preset “{draft.preset}”; its options are below.</p>}
        <OptionsFields form={options} onChange={setOptions} problems={showProblems ? optionProblems : {}} idPrefix={`rule-${id ?? 'new'}`} target={draft.target} />
        <label><input type="checkbox" checked={draft.recursive} onChange={(e) => setDraft({ ...draft, recursive: e.target.checked })} /> Include sub-folders</label>
        <label>Where files convert
          <select value={draft.mode ?? 'local'} onChange={(e) => setDraft({ ...draft, mode: e.target.value as NonNullable<FolderRuleInput['mode']> })}>
            {facts.modes.map((mode) => <option key={mode} value={mode}>{MODE_LABEL[mode]}</option>)}
          </select>
        </label>
        {draft.mode === 'hosted' && (
          <label>When the hosted API cannot be reached
            <select value={draft.whenOffline ?? 'local'} onChange={(e) => setDraft({ ...draft, whenOffline: e.target.value as NonNullable<FolderRuleInput['whenOffline']> })}>
              <option value="local">convert on this computer</option><option value="wait">wait until it answers</option>
            </select>
          </label>
        )}
        <label><input type="checkbox" checked={draft.neverUpload ?? false} onChange={(e) => setDraft({ ...draft, neverUpload: e.target.checked })} /> Never upload files from this folder</label>
        <label>Only files matching <input type="text" value={include} placeholder="e.g. *.heic, *.jpg (all supported files when empty)" onChange={(e) => setInclude(e.target.value)} /></label>
        <label>Never files matching <input type="text" value={exclude} placeholder="e.g. tmp/**" onChange={(e) => setExclude(e.target.value)} /></label>
        <label>After converting, move originals to <input type="text" value={draft.doneFolder ?? ''} placeholder="keep them where they are" onChange={(e) => setDraft({ ...draft, doneFolder: e.target.value || null })} /></label>
        <FolderPickButton purpose="done" label="Choose the folder for converted originals" onPicked={(folder) => setDraft({ ...draft, doneFolder: folder })} />
        <div className="toolbar">
          <button type="submit" className="primary">{id === undefined ? 'Add rule' : 'Save rule'}</button>
          {id !== undefined && <button type="button" onClick={() => { setFormError(null); onDone(); }}>Cancel</button>}
          <span id={errorId} role="alert" className="field-error" data-testid="rule-error">{formError}</span>
        </div>
      </fieldset>
    </form>
  );
}

function RuleItem({ rule }: { rule: FolderRuleView }) {
  const { setEnabled, retry, remove } = useFolders.getState();
  const [editing, setEditing] = useState(false);
  const name = rule.inputFolder.split(/[\\/]/).filter(Boolean).pop() ?? rule.inputFolder;
  if (editing) {
    const initial: FolderRuleInput = { inputFolder: rule.inputFolder, outputFolder: rule.outputFolder, target: rule.target, recursive: rule.recursive, include: rule.include, exclude: rule.exclude, doneFolder: rule.doneFolder, mode: rule.mode ?? 'local', neverUpload: rule.neverUpload ?? false, whenOffline: rule.whenOffline ?? 'local', options: rule.options, preset: rule.preset };
    return <li><RuleForm initial={initial} id={rule.id} onDone={() => setEditing(false)} /></li>;
  }
  return (
    <li className="rule" aria-label={`Rule ${rule.inputFolder}`}>
      <div className="job-main">
        <span className="job-name">{rule.inputFolder}</span>
        <span className="job-pair">→ {rule.target.toUpperCase()}{rule.preset ? ` (${rule.preset})` : ''} in {rule.outputFolder}</span>
        {rule.optionsSummary && <span className="job-options" data-testid="rule-options">{rule.optionsSummary}</span>}
        <span className={`badge ${rule.enabled ? 'badge-succeeded' : ''}`}>{rule.enabled ? (rule.running ? 'Watching' : 'Enabled') : 'Paused'}</span>
      </div>
      <div className="job-detail">
        <span className="job-sizes">
          {rule.converted} converted, {rule.failed} failed{rule.inProgress > 0 ? `, ${rule.inProgress} in progress` : ''} · last activity {rule.lastActivityAt ? new Date(rule.lastActivityAt).toLocaleString() : 'never'}
        </span>
        <span className="job-actions">
          <button type="button" aria-label={`${rule.enabled ? 'Pause' : 'Resume'} ${name}`} onClick={() => void setEnabled(rule.id, !rule.enabled)}>{rule.enabled ? 'Pause' : 'Resume'}</button>
          {rule.failed > 0 && <button type="button" aria-label={`Retry failed in ${name}`} onClick={() => void retry(rule.id)}>Retry failed</button>}
          <button type="button" aria-label={`Edit ${name}`} onClick={() => setEditing(true)}>Edit</button>
          <button type="button" aria-label={`Remove ${name}`} onClick={() => void remove(rule.id)}>Remove</button>
        </span>
      </div>
      {rule.failures.length > 0 && (
        <ul className="failures">
          {rule.failures.slice(0, 5).map((f) => <li key={`${f.path}-${f.at}`} className="job-error">{f.path.split(/[\\/]/).pop()}: {f.message}</li>)}
        </ul>
      )}
    </li>
  );
}

export function FoldersView() {
  const facts = useAppFacts();
  const { rules, error, load } = useFolders();
  useEffect(() => {
    useFolders.getState().setFormError(null);
    void load();
  }, [load]);
  return (
    <section className="folders-view" aria-label="Batch folders">
      <p className="hint">Files that arrive in a watched folder are converted once, when they have finished copying, even while the network is off.</p>
      {error && <p role="alert" className="job-error">{error}</p>}
      <ul className="rules">
        {rules.map((rule) => <RuleItem key={rule.id} rule={rule} />)}
        {rules.length === 0 && <li className="hint">No batch folders yet.</li>}
      </ul>
      <RuleForm key={rules.length} initial={{ inputFolder: '', outputFolder: null, target: facts.smartTargets.image, recursive: true, include: [], exclude: [], doneFolder: null }} onDone={() => {}} />
    </section>
  );
}
