import { useState, type FormEvent } from 'react';
import type { AppFactsView, ConversionOptionsView, PresetView, QualityView } from '../../../preload/contract';
import { useAppFacts } from '../stores/factsStore';
import { usePresets, type PresetDraft } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';
import { CONFLICT_LABEL, FormatOptions } from './TargetPicker';

const QUALITY_LABEL: Record<QualityView, string> = { high: 'High', balanced: 'Balanced', small: 'Small files' };

interface Form {
  name: string;
  target: PresetView['target'];
  quality: ConversionOptionsView['quality'];
  maxSizeMb: string;
  resize: string;
  stripMetadata: boolean;
  onConflict: ConversionOptionsView['onConflict'];
  mono: boolean;
  audioKbps: string;
}

/** A new preset's form: the first target core lists, the first quality and conflict policy left as the defaults. */
function emptyForm(facts: AppFactsView): Form {
  return { name: '', target: facts.outputFormats[0]!.format, quality: 'balanced', maxSizeMb: '', resize: '', stripMetadata: false, onConflict: 'keep-both', mono: false, audioKbps: '' };
}
type Field = 'name' | 'maxSizeMb' | 'resize' | 'audioKbps';

function formOf(preset: PresetView, name: string, mb: number): Form {
  const o = preset.options;
  return {
    name, target: preset.target, quality: o.quality, maxSizeMb: o.maxSizeBytes ? String(o.maxSizeBytes / mb) : '', resize: o.resize ? String(o.resize) : '',
    stripMetadata: o.stripMetadata, onConflict: o.onConflict, mono: o.mono ?? false, audioKbps: o.audioBitrateKbps ? String(o.audioBitrateKbps) : '',
  };
}

/** The form's problems in the user's words, by field; the engine checks the rest (a size limit on an image, a taken name). */
const within = (text: string, { min, max }: { min: number; max: number }) => Number.isInteger(Number(text)) && Number(text) >= min && Number(text) <= max;

function problemsOf(form: Form, { options }: AppFactsView): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  const { resizePx, audioBitrateKbps, maxSizeBytes, bytesPerMb } = options;
  if (form.name.trim() === '') problems.name = 'A preset needs a name.';
  if (form.maxSizeMb.trim() !== '' && !(Number(form.maxSizeMb) > 0 && Number(form.maxSizeMb) * bytesPerMb <= maxSizeBytes.max)) problems.maxSizeMb = `A size limit is a number of MB above 0 and at most ${maxSizeBytes.max / bytesPerMb}.`;
  if (form.resize.trim() !== '' && !within(form.resize, resizePx)) problems.resize = `A longest edge is a whole number of pixels from ${resizePx.min} to ${resizePx.max}.`;
  if (form.audioKbps.trim() !== '' && !within(form.audioKbps, audioBitrateKbps)) problems.audioKbps = `An audio bitrate is a whole number of kbps from ${audioBitrateKbps.min} to ${audioBitrateKbps.max}.`;
  return problems;
}

function draftOf(form: Form, MB: number): PresetDraft {
  const options: ConversionOptionsView = { quality: form.quality, stripMetadata: form.stripMetadata, onConflict: form.onConflict, ...(form.mono ? { mono: true } : {}) };
  if (form.audioKbps.trim() !== '') options.audioBitrateKbps = Number(form.audioKbps);
  if (form.maxSizeMb.trim() !== '') options.maxSizeBytes = Math.round(Number(form.maxSizeMb) * MB);
  if (form.resize.trim() !== '') options.resize = Number(form.resize);
  return { name: form.name.trim(), target: form.target, options };
}

/** Pick, save the current options as a preset, edit and delete the user's presets; built-ins can be copied. */
export function PresetsEditor() {
  const { presets, status, save, remove } = usePresets();
  const facts = useAppFacts();
  const mb = facts.options.bytesPerMb;
  const empty = emptyForm(facts);
  const [form, setForm] = useState<Form>(empty);
  const [editing, setEditing] = useState<string | null>(null);
  const [problems, setProblems] = useState<ReturnType<typeof problemsOf>>({});

  const fromDrop = () => {
    const ui = useUi.getState();
    const preset = presets.find((p) => p.id === ui.preset);
    const base = preset ? formOf(preset, '', mb) : { ...empty, target: ui.target ?? empty.target };
    setForm({ ...base, target: ui.target ?? base.target, onConflict: ui.onConflict });
    setEditing(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = problemsOf(form, facts);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void save(draftOf(form, mb), editing ?? undefined).then((ok) => {
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
          <label>Quality <select aria-label="Quality" value={form.quality} onChange={(e) => setForm({ ...form, quality: e.target.value as Form['quality'] })}>{facts.options.qualities.map((q) => <option key={q} value={q}>{QUALITY_LABEL[q]}</option>)}</select></label>
          <div className="field">
            <label>Size limit in MB (video and audio) <input type="text" inputMode="decimal" placeholder="none" value={form.maxSizeMb} {...invalid('maxSizeMb')} onChange={(e) => setForm({ ...form, maxSizeMb: e.target.value })} /></label>
            {problems.maxSizeMb && <span id="preset-error-maxSizeMb" className="field-error">{problems.maxSizeMb}</span>}
          </div>
          <div className="field">
            <label>Longest edge in pixels <input type="text" inputMode="numeric" placeholder="as it is" value={form.resize} {...invalid('resize')} onChange={(e) => setForm({ ...form, resize: e.target.value })} /></label>
            {problems.resize && <span id="preset-error-resize" className="field-error">{problems.resize}</span>}
          </div>
          <label><input type="checkbox" checked={form.mono} onChange={(e) => setForm({ ...form, mono: e.target.checked })} /> Mono sound (speech, podcasts)</label>
          <div className="field">
            <label>Audio bitrate in kbps (lossy sound) <input type="text" inputMode="numeric" placeholder="from the quality" value={form.audioKbps} {...invalid('audioKbps')} onChange={(e) => setForm({ ...form, audioKbps: e.target.value })} /></label>
            {problems.audioKbps && <span id="preset-error-audioKbps" className="field-error">{problems.audioKbps}</span>}
          </div>
          <label><input type="checkbox" checked={form.stripMetadata} onChange={(e) => setForm({ ...form, stripMetadata: e.target.checked })} /> Remove metadata (location, camera serial numbers)</label>
          <label>If the name is taken <select aria-label="If the name is taken" value={form.onConflict} onChange={(e) => setForm({ ...form, onConflict: e.target.value as Form['onConflict'] })}>{facts.options.conflictPolicies.map((c) => <option key={c} value={c}>{CONFLICT_LABEL[c]}</option>)}</select></label>
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
