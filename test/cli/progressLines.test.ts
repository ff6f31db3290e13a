import { describe, expect, it } from 'vitest';
import type { ConversionResult } from '../../main/core/engine/run/localConverter';
import { ProgressLines } from '../../main/cli/progressLines';

/** A converter whose progress the test drives, on a clock the test moves. */
function setup() {
  let now = 0;
  let report: (fraction: number) => void = () => {};
  let finish: () => void = () => {};
  const lines = new ProgressLines(() => now);
  const converter = lines.watch({
    convert: (_request, _signal, onProgress) => {
      report = (f) => onProgress?.(f);
      return new Promise<ConversionResult>((resolve) => (finish = () => resolve({} as ConversionResult)));
    },
  });
  return {
    lines,
    start: (name: string) => void converter.convert({ inputPath: `/videos/${name}`, target: 'mp4' } as never),
    at: (ms: number) => (now = ms),
    progress: (f: number) => report(f),
    finish: () => finish(),
  };
}

describe('the terminal progress line', () => {
  it('estimates from the job\'s own rate once it has moved twice, and counts down between reports', () => {
    const job = setup();
    job.start('holiday.mp4');
    expect(job.lines.lines(0, 1, 80)).toEqual(['[0/1] holiday.mp4   0% (starting)']);
    job.at(3000); // opening and probing took 3 s: not part of the rate
    job.progress(0.01);
    expect(job.lines.lines(0, 1, 80)[0]).toMatch(/\(starting\)$/);
    job.at(4000);
    job.progress(0.11); // 10 % a second: 8.9 s left
    expect(job.lines.lines(0, 1, 80)).toEqual(['[0/1] holiday.mp4  11% (9 s left)']);
    job.at(5000); // no report for a second: the estimate still moves
    expect(job.lines.lines(0, 1, 80)).toEqual(['[0/1] holiday.mp4  11% (8 s left)']);
  });

  it('rounds to whole seconds before it splits minutes: 119.5 s left reads 2 min 0 s, never 1 min 60 s', () => {
    const job = setup();
    job.start('long.mp4');
    job.at(3000);
    job.progress(0.01);
    job.at(4000);
    job.progress(2195 / 120500); // (1 - p) / rate = 119.5 s
    expect(job.lines.lines(0, 1, 80)).toEqual(['[0/1] long.mp4   1% (2 min 0 s left)']);
  });

  it('keeps the bracket and the percentage whole on a narrow or unsized terminal, cutting the name', () => {
    const job = setup();
    job.start(`a-very-long-recording-name-from-the-phone-${'x'.repeat(60)}-2024-06-01.mp4`);
    for (const columns of [0, 40]) {
      const [line] = job.lines.lines(3, 12, columns);
      expect(line).toMatch(/^\[3\/12\] a-very.*….*\.mp4 +0% \(starting\)$/);
      expect(line!.length).toBeLessThanOrEqual((columns || 80) - 1);
    }
  });

  it('drops a file\'s line when it ends', async () => {
    const job = setup();
    job.start('one.mp4');
    job.finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(job.lines.lines(1, 1, 80)).toEqual([]);
  });
});
