import type { JobView } from '../../../preload/contract';
import { usePending, type PendingRow } from '../stores/pendingStore';
import { usePresets } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';
import { FormatOptions, PresetOptions } from './TargetPicker';

function PendingItem({ row }: { row: PendingRow }) {
  const presets = usePresets((s) => s.presets);
  const { change, remove } = usePending.getState();
  const chosen = presets.find((p) => p.id === row.preset);
  const pickPreset = (id: string) => {
    const preset = presets.find((p) => p.id === id);
    change(row.key, preset ? { preset: preset.id, target: preset.target } : { preset: null });
  };
  return (
    <li className="pending-row" data-testid="pending-row">
      <span className="job-name" title={row.path}>{row.name}</span>
      <select aria-label={`Target for ${row.name}`} value={row.target ?? 'smart'} onChange={(e) => change(row.key, { target: e.target.value === 'smart' ? null : (e.target.value as JobView['target']) })}>
        <option value="smart">{chosen ? `The preset's: ${chosen.target.toUpperCase()}` : 'Smart'}</option>
        <FormatOptions />
      </select>
      <select aria-label={`Preset for ${row.name}`} value={row.preset ?? ''} onChange={(e) => pickPreset(e.target.value)}>
        <option value="">No preset</option>
        <PresetOptions presets={presets} />
      </select>
      <button type="button" className="link" aria-label={`Remove ${row.name} before converting`} onClick={() => remove(row.key)}>Remove</button>
    </li>
  );
}

/** Review mode: dropped files wait here, each with its own target and preset, until Start enqueues them all. */
export function PendingRows() {
  const rows = usePending((s) => s.rows);
  const starting = usePending((s) => s.starting);
  const onConflict = useUi((s) => s.onConflict);
  const { start, clear } = usePending.getState();
  if (rows.length === 0) return null;
  return (
    <section className="pending" aria-labelledby="pending-title" data-testid="pending">
      <div className="toolbar">
        <h2 id="pending-title">{rows.length} file{rows.length === 1 ? '' : 's'} to review</h2>
        <button type="button" className="primary" disabled={starting} onClick={() => void start(onConflict)}>{starting ? 'Starting…' : 'Start'}</button>
        <button type="button" disabled={starting} onClick={clear}>Clear</button>
      </div>
      <ul aria-label="Files to review">
        {rows.map((row) => <PendingItem key={row.key} row={row} />)}
      </ul>
    </section>
  );
}
