/** `--at` as a user writes it: `00:00:05`, `1:30`, `5`, `2.5` (seconds); undefined when it is not a moment. */
export function parseMoment(text: string): number | undefined {
  const match = /^\s*(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match;
  if ((hours !== undefined || minutes !== undefined) && Number(seconds) >= 60) return undefined;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds);
}

/** `00:01:05.5` for 65.5 s, as the user wrote moments. */
export function formatMoment(seconds: number): string {
  const whole = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = seconds - whole;
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}${rest > 0 ? String(Math.round(rest * 1000) / 1000).slice(1) : ''}`;
}
