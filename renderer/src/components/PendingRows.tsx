import type { JobView } from '../../../preload/contract';
import { formatLabel } from '../lib/facts';
import { presetFits } from '../lib/rowChoices';
import { useAppFacts } from '../stores/factsStore';
import { usePending, type PendingRow } from '../stores/pendingStore';
import { usePresets } from '../stores/presetsStore';
import { useUi } from '../stores/uiStore';
import { FormatOptions, PresetOptions } from './TargetPicker';

/** Sizes as size limits are stated (1 MB = 1,000,000 bytes, as `--max-size` counts). */
const megabytes = (bytes: number) => (bytes >= 1e6 ? `${Number((bytes / 1e6).toPrecision(bytes >= 1e7 ? 3 : 2))} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);

function PendingItem({ row }: { row: PendingRow }) {
  const facts = useAppFacts();
  const presets = usePresets((s) => s.presets);
  const { change, remove } = usePending.getState();
  const fitting = presets.filter((p) => presetFits(p, row.choices));
  const chosen = presets.find((p) => p.id === row.preset);
  const smart = row.choices.smart;
  const pickPreset = (id: string) => {
    const preset = presets.find((p) => p.id === id);
    change(row.key, preset ? { preset: preset.id, target: preset.target } : { preset: null });
  };
  const smartLabel = chosen ? `The preset's: ${formatLabel(facts, chosen.target)}` : 'target' in smart ? `Smart: ${formatLabel(facts, smart.target)}` : 'Smart: leave as is';
  const estimate = chosen && row.target === chosen.target ? row.choices.estimates.find((e) => e.preset === chosen.id) : undefined;
  const skipReason = !chosen && row.target === null && 'skip' in smart ? smart.skip : null;
  return (
    <li className="pending-row" data-testid="pending-row" aria-label={row.name}>
      <span className="job-name" title={row.path}>{row.name}</span>
      <select aria-label={`Target for ${row.name}`} value={row.target ?? 'smart'} onChange={(e) => change(row.key, { target: e.target.value === 'smart' ? null : (e.target.value as JobView['target']) })}>
        <option value="smart">{smartLabel}</option>
        <FormatOptions allowed={row.choices.targets} />
      </select>
      <select aria-label={`Preset for ${row.name}`} value={row.preset ?? ''} onChange={(e) => pickPreset(e.target.value)}>
        <option value="">No preset</option>
        <PresetOptions presets={fitting} />
      </select>
      <button type="button" className="link" aria-label={`Remove ${row.name} before converting`} onClick={() => remove(row.key)}>Remove</button>
      {estimate && <span className="pending-estimate hint" data-testid="pending-estimate">{estimate.atMost ? `≤ ${megabytes(estimate.bytes)} (size limit)` : `About ${megabytes(estimate.bytes)} (estimate)`}</span>}
      {skipReason && <span className="pending-skip hint" data-testid="pending-skip">Smart will skip it: {skipReason}</span>}
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
