export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '–';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatSpeed(bytesPerSecond: number | null): string {
  return bytesPerSecond === null || !Number.isFinite(bytesPerSecond) ? '' : `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)}%`;
}

/** "0:04", "12:30", "1:02:03"; empty when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

interface Facts {
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
}

const resolutionOf = (facts: Facts | null | undefined) => (facts?.width && facts.height ? `${facts.width}×${facts.height}` : '');

/** "1920×1080 → 640×360 · 0:40": the picture size (and the output's when it differs) and the length, as far as known. */
export function describeFacts(input: Facts | null | undefined, output: Facts | null | undefined): string {
  const from = resolutionOf(input);
  const to = resolutionOf(output);
  const size = from && to && from !== to ? `${from} → ${to}` : from || to;
  const duration = formatDuration(input?.durationSeconds ?? output?.durationSeconds);
  return [size, duration].filter((part) => part !== '').join(' · ');
}
