import { useState, type FormEvent } from 'react';
import type { AppFactsView, PresetView } from '../../../preload/contract';
import { useAppFacts } from '../stores/factsStore';
import { usePresets, type PresetDraft } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';
import { useSettings } from '../stores/settingsStore';
import { FormatOptions } from './TargetPicker';
import { OptionsFields } from './OptionsFields';
import { offeredOptions, optionsFormOf, optionsFormProblems, optionsOfForm, settingsSpeedOf, type OptionsField, type OptionsForm } from '../lib/optionsForm';

interface Form {
  name: string;
  target: PresetView['target'];
  options: OptionsForm;
}

/** A new preset's form: the first target core lists, the options at core's defaults. */
function emptyForm(facts: AppFactsView): Form {
  return { name: '', target: facts.outputFormats[0]!.format, options: optionsFormOf({ quality: 'balanced', stripMetadata: false, onConflict: 'keep-both' }, facts.options.bytesPerMb) };
}

function formOf(preset: PresetView, name: string, mb: number): Form {
  return { name, target: preset.target, options: optionsFormOf(preset.options, mb) };
}

/** The form's problems in the user's words, by field; the engine checks the rest (a size limit on an image, a taken name). */
function problemsOf(form: Form, facts: AppFactsView): Partial<Record<OptionsField | 'name', string>> {
  return { ...(form.name.trim() === '' ? { name: 'A preset needs a name.' } : {}), ...optionsFormProblems(form.options, facts, offeredOptions(facts, form.target)) };
}

function draftOf(form: Form, facts: AppFactsView): PresetDraft {
  return { name: form.name.trim(), target: form.target, options: optionsOfForm(form.options, facts.options.bytesPerMb, offeredOptions(facts, form.target)) };
}

/** Pick, save the current options as a preset, edit and delete the user's presets; built-ins can be copied. */
export function PresetsEditor() {
  const { presets, status, save, remove } = usePresets();
  const facts = useAppFacts();
  const speedDefault = useSettings((s) => settingsSpeedOf(s.settings));
  const mb = facts.options.bytesPerMb;
  const empty = emptyForm(facts);
  const [form, setForm] = useState<Form>(empty);
  const [editing, setEditing] = useState<string | null>(null);
  const [problems, setProblems] = useState<ReturnType<typeof problemsOf>>({});

  const fromDrop = () => {
    const ui = useUi.getState();
    const preset = presets.find((p) => p.id === ui.preset);
    const base = preset ? formOf(preset, '', mb) : { ...empty, target: ui.target ?? empty.target };
    setForm({ ...base, target: ui.target ?? base.target, options: { ...base.options, onConflict: ui.onConflict } });
    setEditing(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = problemsOf(form, facts);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void save(draftOf(form, facts), editing ?? undefined).then((ok) => {
      if (ok) {
        setForm(empty);
        setEditing(null);
      }
    });
  };
  const invalid = (field: keyof typeof problems) => (problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `preset-error-${field}` } : {});

  return (
    <section className="presets-editor" aria-label="Presets">
      <h2>Presets</h2>
      <ul className="preset-list" aria-label="All presets">
        {presets.map((p) => (
          <li key={p.id} data-testid="preset-item">
            <span className="preset-name">{p.name}</span>
            <span className="preset-summary">{p.summary}</span>
            <span className="preset-actions">
              {p.builtIn ? (
                <button type="button" className="link" aria-label={`Copy ${p.name} into a new preset`} onClick={() => { setForm(formOf(p, `${p.name} (mine)`, mb)); setEditing(null); }}>Copy</button>
              ) : (
                <>
                  <button type="button" className="link" aria-label={`Edit ${p.name}`} onClick={() => { setForm(formOf(p, p.name, mb)); setEditing(p.id); }}>Edit</button>
                  <button type="button" className="link" aria-label={`Delete ${p.name}`} onClick={() => void remove(p.id)}>Delete</button>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate aria-label={editing ? 'Edit preset' : 'New preset'}>
        <fieldset>
          <legend>{editing ? 'Edit preset' : 'New preset'}</legend>
          <button type="button" onClick={fromDrop}>Start from the current drop settings</button>
          <div className="field">
            <label>Name <input type="text" value={form.name} maxLength={facts.presetNameMaxLength} {...invalid('name')} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            {problems.name && <span id="preset-error-name" className="field-error">{problems.name}</span>}
          </div>
          <label>Format <select aria-label="Format" value={form.target} onChange={(e) => setForm({ ...form, target: e.target.value as PresetView['target'] })}><FormatOptions /></select></label>
          <OptionsFields form={form.options} onChange={(options) => setForm({ ...form, options })} problems={problems} idPrefix="preset-error" target={form.target} speedDefault={speedDefault} />
          <div className="toolbar">
            <button type="submit" className="primary">{editing ? 'Save changes' : 'Save preset'}</button>
            {editing && <button type="button" onClick={() => { setForm(empty); setEditing(null); }}>Cancel editing</button>}
            <span role="status" data-testid="presets-status" className={status ? (status.ok ? 'status-ok' : 'status-bad') : undefined}>{status?.text}</span>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
