import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, buildFirstPassArgs, type FfmpegPlan } from '../../main/core/engine/plan/ffmpegPlan';
import { normalizeOptions, type ConversionOptions, type Quality } from '../../main/core/engine/plan/conversionOptions';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { CORRECTION_MARGIN, runWithinSizeLimit, type SizeLimitedReplans } from '../../main/core/engine/run/sizeLimitedRun';
import { audio, probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const kbps = (args: string[], flag: string) => Number(argAfter(args, flag)?.replace(/k$/, ''));

const clip = probedInput(probe({ durationSeconds: 8, video: [video({ width: 1920, height: 1080, frameRate: 30, pixelFormat: 'yuv422p', durationSeconds: 8 })], audio: [audio({ codec: 'mp3', durationSeconds: 8 })] }));
const limit = 1_500_000;

function videoReplans(options: ConversionOptions): { first: FfmpegPlan; replans: SizeLimitedReplans } {
  const plan = (conversion: ConversionOptions, bitrateScale?: number) => planVideoConversion(clip, 'mp4', { conversion, passLogFile: '/scratch/pass', bitrateScale });
  return { first: plan(options), replans: { atBitrateScale: (scale) => plan(options, scale), atQuality: () => plan({ ...options, maxSizeBytes: undefined }) } };
}

/** A stand-in for ffmpeg that "writes" the given sizes in turn and records what it was asked to run. */
function fakeRuns(sizes: number[]) {
  const runs: { args: string[]; reuseFirstPass: boolean }[] = [];
  return {
    runs,
    run: async (plan: FfmpegPlan, reuseFirstPass: boolean) => {
      runs.push({ args: buildFfmpegArgs(plan, clip, '/out/.tmp'), reuseFirstPass });
      const bytes = sizes[runs.length - 1];
      if (bytes === undefined) throw new Error('ran more often than expected');
      return bytes;
    },
  };
}

describe('a size limit as the runner keeps it', () => {
  it('encodes both passes with x264 medium at every quality level, not the level\'s faster preset', () => {
    for (const quality of ['high', 'balanced', 'small'] as Quality[]) {
      const { first } = videoReplans(normalizeOptions({ maxSizeBytes: limit, quality }));
      expect(argAfter(buildFirstPassArgs(first, clip), '-preset'), quality).toBe('medium');
      expect(argAfter(buildFfmpegArgs(first, clip, '/out/.tmp'), '-preset'), quality).toBe('medium');
    }
  });

  it('honours --speed in both passes: veryfast when fast, slow when thorough', () => {
    for (const [speed, preset] of [['fast', 'veryfast'], ['thorough', 'slow']] as const) {
      const { first } = videoReplans(normalizeOptions({ maxSizeBytes: limit, speed }));
      expect(argAfter(buildFirstPassArgs(first, clip), '-preset'), speed).toBe(preset);
      expect(argAfter(buildFfmpegArgs(first, clip, '/out/.tmp'), '-preset'), speed).toBe(preset);
    }
  });

  it('an output over the limit is encoded again at a bitrate scaled by limit / actual, reusing the analysis pass, until it fits', async () => {
    const { first, replans } = videoReplans(normalizeOptions({ maxSizeBytes: limit }));
    const fake = fakeRuns([1_600_000, 1_510_000, 1_420_000]);
    const kept = await runWithinSizeLimit(first, replans, fake.run);
    expect(fake.runs.map((r) => r.reuseFirstPass)).toEqual([false, true, true]);
    const rates = fake.runs.map((r) => kbps(r.args, '-b:v'));
    expect(rates[1]).toBeCloseTo(rates[0]! * (limit / 1_600_000) * CORRECTION_MARGIN, -1);
    expect(rates[2]).toBeLessThan(rates[1]!);
    expect(kbps(fake.runs[2]!.args, '-b:a:0')).toBe(kbps(fake.runs[0]!.args, '-b:a:0'));
    expect(kbps(kept.outputOptions, '-b:v')).toBe(rates[2]);
  });

  it('gives up after two corrections with a sentence that names the size and the limit', async () => {
    const { first, replans } = videoReplans(normalizeOptions({ maxSizeBytes: limit }));
    const fake = fakeRuns([1_700_000, 1_650_000, 1_600_000]);
    await expect(runWithinSizeLimit(first, replans, fake.run)).rejects.toMatchObject({
      code: 'SIZE_UNREACHABLE', message: expect.stringMatching(/After 3 encodes this file still comes out at 1\.6 MB \(1600000 bytes\), over the 1\.5 MB limit/),
    });
    expect(fake.runs).toHaveLength(3);
  });

  it('an easy input that leaves most of the limit unused is kept at its quality level\'s own encode when that fits', async () => {
    const { first, replans } = videoReplans(normalizeOptions({ maxSizeBytes: limit }));
    expect(first.sizeTarget?.minBytes).toBe(1_050_000);
    const fake = fakeRuns([300_000, 200_000]);
    const kept = await runWithinSizeLimit(first, replans, fake.run);
    expect(fake.runs[1]!.args).toContain('-crf');
    expect(fake.runs[1]!.args).not.toContain('-pass');
    expect(kept.sizeTarget).toEqual({ maxBytes: limit });
    expect(kept.notes.at(-1)).toMatch(/needs only 0\.2 MB of the 1\.5 MB/);
  });

  it('a small output whose level\'s own encode does not fit is encoded again nearer the limit, and kept once it fits, never thrown away', async () => {
    const { first, replans } = videoReplans(normalizeOptions({ maxSizeBytes: limit }));
    const raisedOnce = fakeRuns([900_000, 2_000_000, 1_400_000]);
    const kept = await runWithinSizeLimit(first, replans, raisedOnce.run);
    const rates = raisedOnce.runs.map((r) => kbps(r.args, '-b:v'));
    expect(rates[2]).toBeCloseTo(rates[0]! * (limit / 900_000) * CORRECTION_MARGIN, -1);
    expect(raisedOnce.runs[2]!.reuseFirstPass).toBe(true);
    expect(kept.sizeTarget).toEqual({ maxBytes: limit });
    expect(kbps(kept.outputOptions, '-b:v')).toBe(rates[2]);
    expect(kept.notes.join(' ')).not.toMatch(/Came out at/);

    // Raised too far: the encode that fit is made again and kept, with a note of the room left.
    const overshot = fakeRuns([300_000, 2_000_000, 1_600_000, 300_000]);
    const fitting = await runWithinSizeLimit(first, replans, overshot.run);
    expect(kbps(overshot.runs[3]!.args, '-b:v')).toBe(kbps(overshot.runs[0]!.args, '-b:v'));
    expect(fitting.sizeTarget).toEqual({ maxBytes: limit });
    expect(fitting.notes.at(-1)).toMatch(/Came out at 0\.3 MB of the 1\.5 MB it may use/);
  });

  it('sound under a limit is corrected the same way, down to a bitrate the encoder offers', async () => {
    const song = probedInput(probe({ durationSeconds: 20, video: [], audio: [audio({ durationSeconds: 20 })] }));
    const options = normalizeOptions({ maxSizeBytes: 300_000 });
    const plan = (bitrateScale?: number) => planAudioConversion(song, 'mp3', { conversion: options, bitrateScale });
    const fake = fakeRuns([310_000, 250_000]);
    await runWithinSizeLimit(plan(), { atBitrateScale: plan, atQuality: () => planAudioConversion(song, 'mp3', { conversion: { ...options, maxSizeBytes: undefined } }) }, fake.run);
    expect(fake.runs.map((r) => kbps(r.args, '-b:a'))).toEqual([96, 80]);
  });
});
