// How a duration reads to people, in the terminal and in the window alike: "340 ms", "4.4 s", "12 s",
// "1 min 35 s", "26 h 52 min". Units are written as everywhere else in the app (a space, "min" rather than "m").
// The renderer imports this module itself: it may import nothing, not even a Node built-in.

const SECONDS_PER_HOUR = 3600;

/** A number that can be worded: not null, undefined, NaN or infinite. */
const known = (value: number | null | undefined): value is number => Number.isFinite(value);

/** Whole seconds in the two largest units that matter: "12 s", "1 min 5 s", "26 h 52 min" (minutes rounded). */
function wholeSecondsText(seconds: number, roundMinutes: (minutes: number) => number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < SECONDS_PER_HOUR) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = roundMinutes(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * A runtime or time spent: "340 ms" under a second, "4.4 s" under ten, then "12 s", "1 min 35 s", and hours with
 * minutes from an hour on ("26 h 52 min", never "1612m 35s"). Each value is rounded in the smallest unit it shows
 * before it is split, so 59.5 s reads "1 min 0 s", never "60 s". "–" when unknown.
 */
export function formatRuntime(ms: number | null | undefined): string {
  if (!known(ms)) return '–';
  const whole = Math.round(Math.max(0, ms));
  if (whole === 0) return '0 s';
  if (whole < 1000) return `${whole} ms`;
  const tenths = Math.round(whole / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  return wholeSecondsText(Math.round(whole / 1000), Math.round);
}

/**
 * What is left of a job: "almost done" under a second, else rounded up (a countdown never promises less than
 * is left): "12 s left", "1 min 5 s left", "1 h 5 min left". Empty when there is no estimate.
 */
export function formatTimeLeft(seconds: number | null | undefined): string {
  if (!known(seconds)) return '';
  if (seconds < 1) return 'almost done';
  return `${wholeSecondsText(Math.ceil(seconds), Math.ceil)} left`;
}
