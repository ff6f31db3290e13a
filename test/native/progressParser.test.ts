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

describe('lastMeaningfulLine', () => {
  it('names the real reason rather than the generic one, without the file path', async () => {
    const { lastMeaningfulLine } = await import('../../native/ffmpeg/ffmpegRunner');
    expect(lastMeaningfulLine('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found\nfile:/home/me/clip.mp4: Invalid data found when processing input\n')).toBe('moov atom not found');
    expect(lastMeaningfulLine('file:/x/y.avi: Invalid data found when processing input\n')).toBe('Invalid data found when processing input');
  });
});
