import { CONFLICT_VALUES, OUTPUT_FORMAT_VALUES, type PresetView } from '../../../preload/contract';
import { usePresets } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';

export const FORMAT_GROUPS: [string, readonly (typeof OUTPUT_FORMAT_VALUES)[number][]][] = [
  ['Video', ['mp4', 'mov', 'mkv', 'webm', 'avi']],
  ['Audio', ['mp3', 'm4a', 'wav', 'flac', 'ogg', 'opus']],
  ['Image', ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp']],
];

export const CONFLICT_LABEL: Record<(typeof CONFLICT_VALUES)[number], string> = {
  'keep-both': 'Keep both (name (1).ext)',
  skip: 'Skip the file',
  overwrite: 'Replace the old file',
};

/** The format options, grouped by kind. */
export function FormatOptions() {
  return (
    <>
      {FORMAT_GROUPS.map(([label, formats]) => (
        <optgroup key={label} label={label}>
          {formats.map((f) => (
            <option key={f} value={f}>{f.toUpperCase()}</option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

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
  const chosen = presets.find((p) => p.id === preset);
  return (
    <div className="target-picker">
      <label>
        Convert to
        <select
          aria-label="Target format"
          value={target ?? 'smart'}
          onChange={(e) => setTarget(e.target.value === 'smart' ? null : (e.target.value as (typeof OUTPUT_FORMAT_VALUES)[number]))}
        >
          <option value="smart">{chosen ? `The preset's: ${chosen.target.toUpperCase()}` : 'Smart: video→MP4, audio→MP3, image→JPG'}</option>
          <FormatOptions />
        </select>
      </label>
      <label>
        Preset
        <select aria-label="Preset" value={preset ?? ''} onChange={(e) => setPreset(e.target.value === '' ? null : e.target.value)}>
          <option value="">None</option>
          <PresetOptions presets={presets} />
        </select>
      </label>
      <label>
        If the name is taken
        <select aria-label="If the output's name is taken" value={onConflict} onChange={(e) => setOnConflict(e.target.value as (typeof CONFLICT_VALUES)[number])}>
          {CONFLICT_VALUES.map((c) => (
            <option key={c} value={c}>{CONFLICT_LABEL[c]}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
