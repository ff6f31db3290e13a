import type { ConversionOptionsView, OutputFormatView, QualityView } from '../../../preload/contract';
import { offeredOptions, type OfferedInputView, type OptionsField, type OptionsForm } from '../lib/optionsForm';
import { useAppFacts } from '../stores/factsStore';
import { CONFLICT_LABEL } from './TargetPicker';

type SpeedView = NonNullable<ConversionOptionsView['speed']>;

const QUALITY_LABEL: Record<QualityView, string> = { high: 'High', balanced: 'Balanced', small: 'Small files' };
export const SPEED_LABEL: Record<SpeedView, string> = { fast: 'Fast (larger files)', balanced: 'Balanced', thorough: 'Thorough (smaller files, slower)' };
const CODEC_LABEL: Record<NonNullable<ConversionOptionsView['videoCodec']>, string> = { h264: 'H.264 (plays everywhere)', h265: 'H.265 (smaller; Apple devices, recent TVs)', av1: 'AV1 (smallest; recent browsers and devices)' };

/**
 * Quality, metadata and conflict policy always; a size limit, resize, mono, bitrate, a still's moment, a cut, the
 * encoder's speed, the video codec and loudness only where the target (and the input, when its kind or that it moves
 * is known: `input`) takes them. Choices and limits from core's facts.
 */
export function OptionsFields({ form, onChange, problems, idPrefix, target, speedDefault, input }: { form: OptionsForm; onChange: (form: OptionsForm) => void; problems: Partial<Record<OptionsField, string>>; idPrefix: string; target: OutputFormatView; speedDefault?: SpeedView; input?: OfferedInputView | null }) {
  const facts = useAppFacts();
  const offered = offeredOptions(facts, target, input);
  const momentHint = 'a time such as 00:00:05 or 2.5';
  const { resizePx, audioBitrateKbps } = facts.options;
  const invalid = (field: OptionsField) => (problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${idPrefix}-${field}` } : {});
  const problem = (field: OptionsField) => problems[field] && <span id={`${idPrefix}-${field}`} className="field-error">{problems[field]}</span>;
  return (
    <>
      <label>Quality <select value={form.quality} onChange={(e) => onChange({ ...form, quality: e.target.value as OptionsForm['quality'] })}>{facts.options.qualities.map((q) => <option key={q} value={q}>{QUALITY_LABEL[q]}</option>)}</select></label>
      {offered.sizeLimit && (
        <div className="field">
          <label>Size limit in MB <input type="text" inputMode="decimal" placeholder="none" value={form.maxSizeMb} {...invalid('maxSizeMb')} onChange={(e) => onChange({ ...form, maxSizeMb: e.target.value })} /></label>
          {problem('maxSizeMb')}
        </div>
      )}
      {offered.resize && (
        <div className="field">
          <label>Longest edge in pixels <input type="text" inputMode="numeric" placeholder={`as it is (${resizePx.min} to ${resizePx.max})`} value={form.resize} {...invalid('resize')} onChange={(e) => onChange({ ...form, resize: e.target.value })} /></label>
          {problem('resize')}
        </div>
      )}
      {offered.sound && <label><input type="checkbox" checked={form.mono} onChange={(e) => onChange({ ...form, mono: e.target.checked })} /> Mono sound (speech, podcasts)</label>}
      {offered.audioBitrate && (
        <div className="field">
          <label>Audio bitrate in kbps <input type="text" inputMode="numeric" placeholder={`from the quality (${audioBitrateKbps.min} to ${audioBitrateKbps.max})`} value={form.audioKbps} {...invalid('audioKbps')} onChange={(e) => onChange({ ...form, audioKbps: e.target.value })} /></label>
          {problem('audioKbps')}
        </div>
      )}
      {offered.at && (
        <div className="field">
          <label>Picture at (a still of a video) <input type="text" inputMode="decimal" placeholder={`a representative picture; or ${momentHint}`} value={form.at} {...invalid('at')} onChange={(e) => onChange({ ...form, at: e.target.value })} /></label>
          {problem('at')}
        </div>
      )}
      {offered.cut && (
        <fieldset>
          <legend>Cut{target === 'webp' ? ' (a WEBP of a cut moves)' : ''}</legend>
          <div className="field">
            <label>From <input type="text" inputMode="decimal" placeholder={`the start; or ${momentHint}`} value={form.from} {...invalid('from')} onChange={(e) => onChange({ ...form, from: e.target.value })} /></label>
            {problem('from')}
          </div>
          <div className="field">
            <label>Until <input type="text" inputMode="decimal" placeholder={`the end; or ${momentHint}`} value={form.until} {...invalid('until')} onChange={(e) => onChange({ ...form, until: e.target.value })} /></label>
            {problem('until')}
          </div>
        </fieldset>
      )}
      {offered.videoCodec && (
        <label>Video codec <select value={form.videoCodec || 'h264'} onChange={(e) => onChange({ ...form, videoCodec: e.target.value === 'h264' ? '' : e.target.value as OptionsForm['videoCodec'] })}>{facts.options.videoCodecs.map((c) => <option key={c} value={c}>{CODEC_LABEL[c]}</option>)}</select></label>
      )}
      {offered.speed && (
        speedDefault
          ? <label>Encoding speed <select value={form.speed} onChange={(e) => onChange({ ...form, speed: e.target.value as OptionsForm['speed'] })}><option value="">{`As in Settings: ${SPEED_LABEL[speedDefault]}`}</option>{facts.options.speeds.map((sp) => <option key={sp} value={sp}>{SPEED_LABEL[sp]}</option>)}</select></label>
          : <label>Encoding speed <select value={form.speed || 'balanced'} onChange={(e) => onChange({ ...form, speed: e.target.value === 'balanced' ? '' : e.target.value as OptionsForm['speed'] })}>{facts.options.speeds.map((sp) => <option key={sp} value={sp}>{SPEED_LABEL[sp]}</option>)}</select></label>
      )}
      {offered.normalize && <label><input type="checkbox" checked={form.normalize} onChange={(e) => onChange({ ...form, normalize: e.target.checked })} /> Even loudness (EBU R128)</label>}
      <label><input type="checkbox" checked={form.stripMetadata} onChange={(e) => onChange({ ...form, stripMetadata: e.target.checked })} /> Remove metadata (location, camera serial numbers)</label>
      <div className="field">
        <label>File name <input type="text" placeholder={`the input's name; or a template from ${facts.options.nameTemplate.placeholders.map((p) => `{${p}}`).join(' ')}`} value={form.nameTemplate} {...invalid('nameTemplate')} onChange={(e) => onChange({ ...form, nameTemplate: e.target.value })} /></label>
        {problem('nameTemplate')}
      </div>
      <label>If the name is taken <select value={form.onConflict} onChange={(e) => onChange({ ...form, onConflict: e.target.value as OptionsForm['onConflict'] })}>{facts.options.conflictPolicies.map((c) => <option key={c} value={c}>{CONFLICT_LABEL[c]}</option>)}</select></label>
    </>
  );
}
