import { useState } from 'react';
import type { ConversionOptionsView, JobView, OutputFormatView, PresetView } from '../../../preload/contract';
import { offeredOptions, optionsFormOf, optionsFormProblems, optionsOfForm, settingsSpeedOf } from '../lib/optionsForm';
import { formatLabel } from '../lib/facts';
import { offeredInputOf, presetFits } from '../lib/rowChoices';
import { useAppFacts } from '../stores/factsStore';
import { usePending, type PendingRow } from '../stores/pendingStore';
import { usePresets } from '../stores/presetsStore';
import { useSettings } from '../stores/settingsStore';
import { useUi } from '../stores/uiStore';
import { OptionsFields } from './OptionsFields';
import { FormatOptions, PresetOptions } from './TargetPicker';

/** Sizes as size limits are stated (1 MB = 1,000,000 bytes, as `--max-size` counts). */
const megabytes = (bytes: number) => (bytes >= 1e6 ? `${Number((bytes / 1e6).toPrecision(bytes >= 1e7 ? 3 : 2))} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);

/**
 * One row's own options, from its preset's (or the defaults) until changed by hand; every valid change is the
 * row's choice at once (and is kept with the review list), a typing mistake is named under its field.
 */
function RowOptions({ row, preset, target }: { row: PendingRow; preset: PresetView | undefined; target: OutputFormatView }) {
  const facts = useAppFacts();
  const onConflict = useUi((s) => s.onConflict);
  const speedDefault = useSettings((s) => settingsSpeedOf(s.settings));
  const mb = facts.options.bytesPerMb;
  const base: ConversionOptionsView = preset?.options ?? { quality: 'balanced', stripMetadata: false, onConflict };
  const [form, setForm] = useState(() => optionsFormOf(row.options ?? base, mb));
  const offered = offeredOptions(facts, target, offeredInputOf(row.choices));
  const problems = optionsFormProblems(form, facts, offered);
  const edit = (next: typeof form) => {
    setForm(next);
    if (Object.keys(optionsFormProblems(next, facts, offered)).length > 0) return;
    const options = optionsOfForm(next, mb, offered);
    // Back to what the row had anyway: nothing of its own.
    const same = JSON.stringify(options) === JSON.stringify(optionsOfForm(optionsFormOf(base, mb), mb, offered));
    usePending.getState().change(row.key, { options: same ? null : options });
  };
  return (
    <fieldset className="pending-options" id={`review-options-${row.key}`}>
      <legend>Options for {row.name}</legend>
      <OptionsFields form={form} onChange={edit} problems={problems} idPrefix={`review-${row.key}`} target={target} speedDefault={speedDefault} input={offeredInputOf(row.choices)} />
    </fieldset>
  );
}

function PendingItem({ row }: { row: PendingRow }) {
  const [open, setOpen] = useState(false);
  const facts = useAppFacts();
  const presets = usePresets((s) => s.presets);
  const { change, remove } = usePending.getState();
  const fitting = presets.filter((p) => presetFits(p, row.choices));
  const chosen = presets.find((p) => p.id === row.preset);
  const smart = row.choices.smart;
  const pickPreset = (id: string) => {
    const preset = presets.find((p) => p.id === id);
    // A new preset brings its own options: what was set by hand for the old one is dropped.
    change(row.key, preset ? { preset: preset.id, target: preset.target, options: null } : { preset: null, options: null });
  };
  const smartLabel = chosen ? `The preset's: ${formatLabel(facts, chosen.target)}` : 'target' in smart ? `Smart: ${formatLabel(facts, smart.target)}` : 'Smart: leave as is';
  // The estimate is the preset's: options changed by hand make another file.
  const estimate = chosen && !row.options && row.target === chosen.target ? row.choices.estimates.find((e) => e.preset === chosen.id) : undefined;
  const skipReason = !chosen && row.target === null && 'skip' in smart ? smart.skip : null;
  const target = row.target ?? chosen?.target ?? ('target' in smart ? smart.target : undefined);
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
      {target && <button type="button" aria-expanded={open} aria-controls={open ? `review-options-${row.key}` : undefined} onClick={() => setOpen(!open)}>
        Options<span className="visually-hidden"> for {row.name}</span>{row.options ? ' (changed)' : ''}
      </button>}
      <button type="button" className="link" aria-label={`Remove ${row.name} before converting`} onClick={() => remove(row.key)}>Remove</button>
      {estimate && <span className="pending-estimate hint" data-testid="pending-estimate">{estimate.atMost ? `≤ ${megabytes(estimate.bytes)} (size limit)` : `About ${megabytes(estimate.bytes)} (estimate)`}</span>}
      {skipReason && <span className="pending-skip hint" data-testid="pending-skip">Smart will skip it: {skipReason}</span>}
      {open && target && <RowOptions key={`${row.preset ?? ''}:${target}`} row={row} preset={chosen} target={target} />}
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
