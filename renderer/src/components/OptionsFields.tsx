import type { QualityView } from '../../../preload/contract';
import type { OptionsField, OptionsForm } from '../lib/optionsForm';
import { useAppFacts } from '../stores/factsStore';
import { CONFLICT_LABEL } from './TargetPicker';

const QUALITY_LABEL: Record<QualityView, string> = { high: 'High', balanced: 'Balanced', small: 'Small files' };

/** Quality, size limit, resize, mono, bitrate, metadata and conflict policy; choices and limits from core's facts. */
export function OptionsFields({ form, onChange, problems, idPrefix }: { form: OptionsForm; onChange: (form: OptionsForm) => void; problems: Partial<Record<OptionsField, string>>; idPrefix: string }) {
  const facts = useAppFacts();
  const { resizePx, audioBitrateKbps } = facts.options;
  const invalid = (field: OptionsField) => (problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${idPrefix}-${field}` } : {});
  const problem = (field: OptionsField) => problems[field] && <span id={`${idPrefix}-${field}`} className="field-error">{problems[field]}</span>;
  return (
    <>
      <label>Quality <select value={form.quality} onChange={(e) => onChange({ ...form, quality: e.target.value as OptionsForm['quality'] })}>{facts.options.qualities.map((q) => <option key={q} value={q}>{QUALITY_LABEL[q]}</option>)}</select></label>
      <div className="field">
        <label>Size limit in MB (video and audio) <input type="text" inputMode="decimal" placeholder="none" value={form.maxSizeMb} {...invalid('maxSizeMb')} onChange={(e) => onChange({ ...form, maxSizeMb: e.target.value })} /></label>
        {problem('maxSizeMb')}
      </div>
      <div className="field">
        <label>Longest edge in pixels <input type="text" inputMode="numeric" placeholder={`as it is (${resizePx.min} to ${resizePx.max})`} value={form.resize} {...invalid('resize')} onChange={(e) => onChange({ ...form, resize: e.target.value })} /></label>
        {problem('resize')}
      </div>
      <label><input type="checkbox" checked={form.mono} onChange={(e) => onChange({ ...form, mono: e.target.checked })} /> Mono sound (speech, podcasts)</label>
      <div className="field">
        <label>Audio bitrate in kbps (lossy sound) <input type="text" inputMode="numeric" placeholder={`from the quality (${audioBitrateKbps.min} to ${audioBitrateKbps.max})`} value={form.audioKbps} {...invalid('audioKbps')} onChange={(e) => onChange({ ...form, audioKbps: e.target.value })} /></label>
        {problem('audioKbps')}
      </div>
      <label><input type="checkbox" checked={form.stripMetadata} onChange={(e) => onChange({ ...form, stripMetadata: e.target.checked })} /> Remove metadata (location, camera serial numbers)</label>
      <div className="field">
        <label>File name <input type="text" placeholder={`the input's name; or a template from ${facts.options.nameTemplate.placeholders.map((p) => `{${p}}`).join(' ')}`} value={form.nameTemplate} {...invalid('nameTemplate')} onChange={(e) => onChange({ ...form, nameTemplate: e.target.value })} /></label>
        {problem('nameTemplate')}
      </div>
      <label>If the name is taken <select value={form.onConflict} onChange={(e) => onChange({ ...form, onConflict: e.target.value as OptionsForm['onConflict'] })}>{facts.options.conflictPolicies.map((c) => <option key={c} value={c}>{CONFLICT_LABEL[c]}</option>)}</select></label>
    </>
  );
}
