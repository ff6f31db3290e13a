import { OUTPUT_FORMAT_VALUES } from '../../../preload/contract';
import { useUi } from '../stores/uiStore';

const GROUPS: [string, readonly string[]][] = [
  ['Video', ['mp4', 'mov', 'mkv', 'webm', 'avi']],
  ['Audio', ['mp3', 'm4a', 'wav', 'flac', 'ogg', 'opus']],
  ['Image', ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp']],
];

/** Smart defaults per kind (video→MP4, audio→MP3, image→JPG), or one format for the whole drop. */
export function TargetPicker() {
  const target = useUi((s) => s.target);
  const setTarget = useUi((s) => s.setTarget);
  return (
    <label className="target-picker">
      Convert to
      <select
        aria-label="Target format"
        value={target ?? 'smart'}
        onChange={(e) => setTarget(e.target.value === 'smart' ? null : (e.target.value as (typeof OUTPUT_FORMAT_VALUES)[number]))}
      >
        <option value="smart">Smart: video→MP4, audio→MP3, image→JPG</option>
        {GROUPS.map(([label, formats]) => (
          <optgroup key={label} label={label}>
            {formats.map((f) => (
              <option key={f} value={f}>{f.toUpperCase()}</option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
