import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, optionsProblem } from '../../main/core/engine/plan/conversionOptions';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { keyFrameWindow, trimNeedsEncode, trimOf, trimmedInput, withTrim } from '../../main/core/engine/plan/trim';
import { keyFrameArgs, keyFrameTimesOf } from '../../native/ffmpeg/ffprobeProber';
import { probe, probedInput } from '../helpers/probes';

describe('trim', () => {
  it('reads --from/--until against the length, and refuses a cut outside the file', () => {
    expect(trimOf({}, 10)).toBeUndefined();
    expect(trimOf({ from: 2 }, 10)).toEqual({ from: 2, length: 8 });
    expect(trimOf({ until: 4 }, 10)).toEqual({ from: 0, length: 4 });
    expect(() => trimOf({ until: 12 }, 10)).toThrow(expect.objectContaining({ code: 'OPTION_UNSUPPORTED' }));
    expect(() => trimOf({ from: 10 }, 10)).toThrow(/cannot start at 00:00:10/);
    expect(optionsProblem({ ...DEFAULT_OPTIONS, from: 3, until: 2 }, 'mp4')).toMatch(/ends \(--until\) after it starts/);
    expect(optionsProblem({ ...DEFAULT_OPTIONS, from: 3 }, 'png')).toMatch(/applies to video, audio, GIF and animated WEBP targets, not to PNG/);
  });

  it('a cut from the start stays a remux; a later start is re-encoded; both are checked against the cut length within one frame', () => {
    const input = probedInput(probe({ durationSeconds: 10 }));
    const head = trimOf({ until: 4 }, 10)!;
    expect(trimNeedsEncode(head, true)).toBe(false);
    const remux = withTrim(planVideoConversion(trimmedInput(input, head), 'mp4'), head, 30);
    expect(remux.strategy).toBe('remux');
    expect(remux.inputOptions).toEqual(['-t', '4']);
    expect(remux.expectation).toMatchObject({ durationSeconds: 4, inputDurationSeconds: 4 });
    expect(remux.expectation.durationToleranceSeconds).toBeLessThan(0.06);

    const later = trimOf({ from: 2.5, until: 4 }, 10)!;
    expect(trimNeedsEncode(later, true)).toBe(true);
    expect(trimNeedsEncode(later, false)).toBe(false);
    const encode = withTrim(planVideoConversion(trimmedInput(input, later), 'mp4', { forceReencode: true }), later, 30);
    expect(encode.strategy).toBe('encode');
    expect(encode.inputOptions).toEqual(['-ss', '2.5', '-t', '1.5']);
    // A variable-rate clip's pictures, timed at its average rate, may run past the cut: the encode ends there too.
    expect(encode.outputOptions.slice(-2)).toEqual(['-t', '1.5']);
    expect(remux.outputOptions).not.toContain('-t');
    // An encoder's delay and padding are counted in samples: at 22.05 kHz they last twice as long as at 44.1 kHz.
    const sound = (rate: number) => withTrim(planVideoConversion(trimmedInput(input, later), 'mp4', { forceReencode: true }), later, undefined, rate).expectation.durationToleranceSeconds;
    expect(sound(44_100)).toBeCloseTo(0.051, 3);
    expect(sound(22_050)).toBeCloseTo(2048 / 22_050 + 0.001, 3);
    expect(encode.durationSeconds).toBe(1.5);
  });

  it('a later start on a key frame (within half a frame) stays a remux; the key frames are read from a bounded window', () => {
    const cut = trimOf({ from: 4, until: 8 }, 12)!;
    expect(keyFrameWindow(cut, 30)).toEqual({ from: 4 - 1 / 60, to: 4 + 1 / 60 });
    expect(trimNeedsEncode(cut, true, [4.01], 30)).toBe(false);
    expect(trimNeedsEncode(cut, true, [4.02], 30)).toBe(true);
    expect(trimNeedsEncode(cut, true, [], 30)).toBe(true);
    expect(keyFrameArgs({ path: '/v.ts', demuxer: 'mpegts' }, { from: 3.99, to: 4.01 }, 1.4)).toEqual(expect.arrayContaining(['-read_intervals', '5.39%5.41', '-select_streams', 'v:0']));
    const report = { format: { start_time: '1.400000' }, packets: [{ pts_time: '3.400000', flags: 'K_' }, { pts_time: '5.400000', flags: 'K_' }, { pts_time: '5.433333', flags: '__' }] };
    expect(keyFrameTimesOf(report, { from: 3.9, to: 4.1 })).toEqual({ times: [4], startSeconds: 1.4 });
    const remux = withTrim(planVideoConversion(trimmedInput(probedInput(probe({ durationSeconds: 12 })), cut), 'mp4'), cut, 30);
    expect(remux.strategy).toBe('remux');
    expect(remux.inputOptions).toEqual(['-ss', '4', '-t', '4']);
  });
});
