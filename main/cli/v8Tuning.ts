import { setFlagsFromString } from 'node:v8';

/** A batch of at least this many files runs the same functions once per file, hundreds of times. */
export const MANY_FILES = 64;

/**
 * At V8's default budget a batch of many small files has about 200 functions optimised that never repay it (0.4 s of
 * background compiling for 1000 small pictures, 8 % of the run's CPU). Four times the budget still optimises the
 * hot loops (a picture's bytes) within milliseconds. A command of a few files keeps the default: its few hot loops
 * (an MP4's sample tables) gain from being optimised early, 10 ms on a remux.
 */
export function tuneForBatch(files: number): void {
  if (files >= MANY_FILES) setFlagsFromString('--interrupt-budget=270336');
}
