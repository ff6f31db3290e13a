import { describe, expect, it } from 'vitest';
import { createProgressParser } from '../../native/ffmpeg/progressParser';

describe('createProgressParser', () => {
  it('reports out_time_us at the end of each block, across chunk boundaries', () => {
    const seen: number[] = [];
    const parse = createProgressParser((s) => seen.push(s));
    parse('frame=10\nout_time_us=1500000\nout_time=00:00:01.5\nprogr');
    parse('ess=continue\nout_time_us=N/A\nprogress=continue\nout_time_us=3000000\nprogress=end\n');
    expect(seen).toEqual([1.5, 1.5, 3]);
  });
});
