import type { ConflictView, OutputFormatView, PresetView } from '../../../preload/contract';
import { formatGroups, kindTitle, smartSummary } from '../lib/facts';
import { useAppFacts } from '../stores/factsStore';
import { usePresets } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';

export const CONFLICT_LABEL: Record<ConflictView, string> = {
  'keep-both': 'Keep both (name (1).ext)',
  skip: 'Skip the file',
  overwrite: 'Replace the old file',
};

/** The format options, grouped by kind, as core lists them; only `allowed` ones when given (what one file can become). */
export function FormatOptions({ allowed }: { allowed?: readonly OutputFormatView[] }) {
  const facts = useAppFacts();
  const groups = formatGroups(facts)
    .map(({ kind, formats }) => ({ kind, formats: allowed ? formats.filter((f) => allowed.includes(f.format)) : formats }))
    .filter((g) => g.formats.length > 0);
  return (
    <>
      {groups.map(({ kind, formats }) => (
        <optgroup key={kind} label={kindTitle(kind)}>
          {formats.map((f) => (
            <option key={f.format} value={f.format}>{f.label}</option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

/** The header's shorter words for the same choices: its visible label already says "If taken". */
const CONFLICT_SHORT: Record<ConflictView, string> = { 'keep-both': 'Keep both', skip: 'Skip it', overwrite: 'Replace it' };

/** Built-in presets, then the user's. */
export function PresetOptions({ presets }: { presets: PresetView[] }) {
  const groups: [string, PresetView[]][] = [['Built in', presets.filter((p) => p.builtIn)], ['Yours', presets.filter((p) => !p.builtIn)]];
  return (
    <>
      {groups.filter(([, list]) => list.length > 0).map(([label, list]) => (
        <optgroup key={label} label={label}>
          {list.map((p) => (
            <option key={p.id} value={p.id}>{p.name}</option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

/** Smart defaults per kind (video→MP4, audio→MP3, image→JPG), or one format, a preset, and what happens when a name is taken. */
export function TargetPicker() {
  const { target, preset, onConflict, setTarget, setPreset, setOnConflict } = useUi();
  const presets = usePresets((s) => s.presets);
  const facts = useAppFacts();
  const chosen = presets.find((p) => p.id === preset);
  return (
    <div className="target-picker">
      <label>
        <span className="picker-label">Convert to</span>
        <select
          aria-label="Target format"
          value={target ?? 'smart'}
          onChange={(e) => setTarget(e.target.value === 'smart' ? null : (e.target.value as OutputFormatView))}
        >
          <option value="smart">{chosen ? `${chosen.target.toUpperCase()}, others Smart` : smartSummary(facts)}</option>
          <FormatOptions />
        </select>
      </label>
      <label>
        <span className="picker-label">Preset</span>
        <select aria-label="Preset" value={preset ?? ''} onChange={(e) => setPreset(e.target.value === '' ? null : e.target.value)}>
          <option value="">No preset</option>
          <PresetOptions presets={presets} />
        </select>
      </label>
      <label>
        <span className="picker-label">If taken</span>
        <select aria-label="If the output's name is taken" title={CONFLICT_LABEL[onConflict]} value={onConflict} onChange={(e) => setOnConflict(e.target.value as ConflictView)}>
          {facts.options.conflictPolicies.map((c) => (
            <option key={c} value={c}>{CONFLICT_SHORT[c]}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
