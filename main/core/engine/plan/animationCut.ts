import { formatMoment } from './moments.js';
import { trimOf, type Trim } from './trim.js';
import type { ConversionOptions } from './conversionOptions.js';

/**
 * A frame delay of at most this many milliseconds is shown for `SHORT_DELAY_SHOWN_MS` by browsers, and by ffmpeg's GIF
 * reader (which makes the video of a GIF): a GIF with no delays plays at 10 frames a second.
 */
const SHORT_DELAY_MS = 10;
const SHORT_DELAY_SHOWN_MS = 100;
/** The shortest delay a GIF holds that viewers honour (2 hundredths of a second): a cut keeps no shorter frame. */
const MIN_KEPT_DELAY_MS = 20;

/** The frames of an animation a cut keeps: `count` frames from frame `first`, each shown for its delay. */
export interface AnimationCut {
  first: number;
  count: number;
  delaysMs: number[];
  trim: Trim;
  note: string;
}

/** How long each frame is on screen. */
export function shownDelays(delaysMs: readonly number[]): number[] {
  return delaysMs.map((delay) => (delay <= SHORT_DELAY_MS ? SHORT_DELAY_SHOWN_MS : delay));
}

/**
 * The frames on screen during `--from`/`--until`, by their delays: the first and last kept frames are shortened where
 * the cut falls inside them, so that the delays add up to the cut's length. A cut past the end is refused as a
 * video's is; a sliver of a frame (under 20 ms) at either edge goes to its neighbour, as a GIF cannot show it.
 */
export function cutAnimation(delaysMs: readonly number[], cut: Pick<ConversionOptions, 'from' | 'until'>): AnimationCut {
  const shown = shownDelays(delaysMs);
  const total = shown.reduce((sum, delay) => sum + delay, 0);
  const trim = trimOf(cut, total / 1000);
  if (!trim) throw new Error('cutAnimation needs --from or --until');
  const fromMs = trim.from * 1000;
  const endMs = Math.min(total, (trim.from + trim.length) * 1000);
  const kept: { index: number; delay: number }[] = [];
  let start = 0;
  for (const [index, delay] of shown.entries()) {
    const end = start + delay;
    const within = Math.min(end, endMs) - Math.max(start, fromMs);
    if (within > 0) kept.push({ index, delay: within });
    start = end;
  }
  if (kept.length > 1 && kept[0]!.delay < MIN_KEPT_DELAY_MS) kept[1]!.delay += kept.shift()!.delay;
  if (kept.length > 1 && kept.at(-1)!.delay < MIN_KEPT_DELAY_MS) kept.at(-2)!.delay += kept.pop()!.delay;
  const first = kept[0]!.index;
  const count = kept.length;
  return {
    first, count, delaysMs: kept.map((frame) => Math.max(1, Math.round(frame.delay))), trim,
    note: `Cut from ${formatMoment(fromMs / 1000)} to ${formatMoment(endMs / 1000)}: frames ${first + 1} to ${first + count} of ${shown.length}.`,
  };
}
