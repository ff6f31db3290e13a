import { describe, expect, it } from 'vitest';
import { buildFirstPassArgs } from '../../main/core/engine/plan/ffmpegPlan';
import { normalizeOptions, optionsIdentity, optionsProblem, parseMaxSize } from '../../main/core/engine/plan/conversionOptions';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { planVideoConversion, resizedVideoSize } from '../../main/core/engine/plan/planVideo';
import { checkOutputSize, planAudioBudget, planVideoBudget } from '../../main/core/engine/plan/sizeBudget';
import { batchKeyOf } from '../../main/core/queue/persistentQueue';
import { requestKeyOf } from '../../main/core/queue/convertedOutputs';
import { BUILT_IN_PRESETS, findPreset, presetId, presetProblem } from '../../main/core/presets/presets';
import { audio, probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const kbps = (value: string | undefined) => Number(value?.replace(/k$/, ''));

describe('conversion options, planned by pure functions', () => {
  it('parses sizes in MB of 1,000,000 bytes', () => {
    expect(parseMaxSize('25MB')).toBe(25_000_000);
    expect(parseMaxSize('7.5 mb')).toBe(7_500_000);
    expect(parseMaxSize('4')).toBe(4_000_000);
    expect(parseMaxSize('0MB')).toBeUndefined();
    expect(parseMaxSize('4GB')).toBeUndefined();
  });

  it('refuses options a target cannot take, in plain words', () => {
    expect(optionsProblem(normalizeOptions({ maxSizeBytes: 1e6 }), 'jpg')).toMatch(/video and audio/);
    expect(optionsProblem(normalizeOptions({ maxSizeBytes: 1e6 }), 'flac')).toMatch(/lossless/);
    expect(optionsProblem(normalizeOptions({ resize: 4 }), 'mp4')).toMatch(/between 16/);
    expect(optionsProblem(normalizeOptions({ maxSizeBytes: 1e6, resize: 640 }), 'mp4')).toBeUndefined();
    expect(optionsProblem(normalizeOptions({ audioBitrateKbps: 96 }), 'flac')).toMatch(/FLAC is lossless, so it has no bitrate/);
    expect(optionsProblem(normalizeOptions({ audioBitrateKbps: 96 }), 'png')).toMatch(/PNG is a picture/);
    expect(optionsProblem(normalizeOptions({ mono: true }), 'jpg')).toMatch(/Mono applies to sound/);
    expect(optionsProblem(normalizeOptions({ mono: true }), 'wav')).toBeUndefined();
    expect(optionsProblem(normalizeOptions({ mono: true, audioBitrateKbps: 64 }), 'mp4')).toBeUndefined();
  });

  it('splits a size limit between picture and sound, and refuses one no one would want with the size it needs', () => {
    const budget = planVideoBudget({ maxBytes: 4e6, durationSeconds: 40, width: 1920, height: 1080, frameRate: 30, audioTracks: 1, preferredAudioKbps: 128, quality: 'balanced' });
    expect(budget.audioKbps).toBeLessThanOrEqual(128);
    expect(budget.videoKbps + budget.audioKbps).toBeLessThan((4e6 * 8) / 40 / 1000);
    expect(budget.videoKbps + budget.audioKbps).toBeGreaterThan((4e6 * 8 * 0.9) / 40 / 1000);
    expect(budget.target).toEqual({ maxBytes: 4e6, minBytes: 2.8e6 });
    expect(() => planVideoBudget({ maxBytes: 3e5, durationSeconds: 40, width: 1920, height: 1080, frameRate: 30, audioTracks: 1, preferredAudioKbps: 128, quality: 'balanced' }))
      .toThrow(/needs at least 1\.\d MB, or less with a smaller picture/);
    // A generous limit is not filled with bits that buy nothing: only its upper bound holds.
    const generous = planVideoBudget({ maxBytes: 500e6, durationSeconds: 10, width: 640, height: 360, frameRate: 30, audioTracks: 1, preferredAudioKbps: 128, quality: 'balanced' });
    expect(generous.target.minBytes).toBeUndefined();
    expect(planAudioBudget(3e5, 20, 192, [64, 96, 112, 128]).kbps).toBe(96);
    expect(() => planAudioBudget(5e4, 60, 192)).toThrow(/Sound of 60 s cannot fit in 0.1 MB/);
  });

  it('checks an output against its limit on both sides', () => {
    expect(checkOutputSize(4_000_001, { maxBytes: 4e6 })).toEqual([expect.stringMatching(/over the 4 MB limit/)]);
    expect(checkOutputSize(2_700_000, { maxBytes: 4e6, minBytes: 2.8e6 })).toEqual([expect.stringMatching(/less than 70 %/)]);
    expect(checkOutputSize(3_500_000, { maxBytes: 4e6, minBytes: 2.8e6 })).toEqual([]);
  });

  it('encodes a size limit in two passes with an average bitrate, and the first pass writes no file', () => {
    const input = probedInput(probe({ durationSeconds: 40, video: [video({ frameRate: 30 })], audio: [audio()] }));
    const plan = planVideoConversion(input, 'mp4', { conversion: normalizeOptions({ maxSizeBytes: 4e6 }), passLogFile: '/scratch/pass' });
    expect(plan.strategy).toBe('encode');
    expect(argAfter(plan.outputOptions, '-pass')).toBe('2');
    expect(kbps(argAfter(plan.outputOptions, '-b:v'))).toBeGreaterThan(400);
    expect(plan.outputOptions).not.toContain('-crf');
    expect(plan.sizeTarget).toEqual({ maxBytes: 4e6, minBytes: 2.8e6 });
    const first = buildFirstPassArgs(plan, input);
    expect(argAfter(first, '-pass')).toBe('1');
    expect(first.slice(-3)).toEqual(['-f', 'null', '-']);
    expect(first).toContain('-an');
  });

  it('resizes video to even sides without upscaling, and keeps a playable stream when nothing needs changing', () => {
    expect(resizedVideoSize({ width: 1920, height: 1080 }, 640)).toEqual({ width: 640, height: 360 });
    expect(resizedVideoSize({ width: 1080, height: 1920 }, 1001)).toEqual({ width: 564, height: 1000 });
    expect(resizedVideoSize({ width: 1280, height: 720 }, 1920)).toBeUndefined();
    const plan = planVideoConversion(probedInput(probe({ video: [video()] })), 'mp4', { conversion: normalizeOptions({ resize: 640 }) });
    expect(argAfter(plan.outputOptions, '-vf')).toContain('scale=w=640:h=360');
    expect(plan.expectation.video).toMatchObject({ width: 640, height: 360 });
    const untouched = planVideoConversion(probedInput(probe({ video: [video()] })), 'mp4', { conversion: normalizeOptions({ resize: 4000 }) });
    expect(untouched.strategy).toBe('remux');
  });

  it('maps quality to x264 and to audio bitrates; small re-encodes, strip drops tags and chapters', () => {
    const input = probedInput(probe({ video: [video({ codec: 'hevc' })], audio: [audio({ codec: 'ac3' })] }));
    const crf = (q: 'high' | 'balanced' | 'small') => Number(argAfter(planVideoConversion(input, 'mp4', { conversion: normalizeOptions({ quality: q }) }).outputOptions, '-crf'));
    expect(crf('high')).toBeLessThan(crf('balanced'));
    expect(crf('balanced')).toBeLessThan(crf('small'));
    const stripped = planVideoConversion(input, 'mp4', { conversion: normalizeOptions({ stripMetadata: true }) });
    expect(argAfter(stripped.outputOptions, '-map_metadata')).toBe('-1');
    expect(argAfter(stripped.outputOptions, '-map_chapters')).toBe('-1');
    // LAME's VBR level: 0 is the best, 9 the smallest.
    const mp3 = (q: 'high' | 'small') => Number(argAfter(planAudioConversion(probedInput(probe({ video: [], audio: [audio({ codec: 'flac', channels: 2 })] })), 'mp3', { conversion: normalizeOptions({ quality: q }) }).outputOptions, '-q:a'));
    expect(mp3('small')).toBeGreaterThan(mp3('high'));
    const podcast = planAudioConversion(probedInput(probe({ video: [], audio: [audio({ channels: 2 })] })), 'mp3', { conversion: findPreset('podcast-mp3', BUILT_IN_PRESETS)!.options });
    expect([argAfter(podcast.outputOptions, '-b:a'), argAfter(podcast.outputOptions, '-ac')]).toEqual(['96k', '1']);
  });

  it('options are part of the job identity: the batch key and the "already converted" key', () => {
    const spec = { inputs: ['/a.mov'], target: 'mp4' as const, outputDir: null };
    expect(batchKeyOf(spec)).toBe(batchKeyOf({ ...spec, options: normalizeOptions({}) }));
    expect(batchKeyOf(spec)).not.toBe(batchKeyOf({ ...spec, options: normalizeOptions({ resize: 640 }) }));
    expect(requestKeyOf('mp4', null)).toBe(requestKeyOf('mp4', null, normalizeOptions({ onConflict: 'skip' })));
    expect(requestKeyOf('mp4', null)).not.toBe(requestKeyOf('mp4', null, normalizeOptions({ quality: 'small' })));
    expect(optionsIdentity(normalizeOptions({ quality: 'balanced' }))).toBe(optionsIdentity(normalizeOptions({})));
  });

  it('finds presets by id or name and refuses a user preset that takes a built-in name', () => {
    expect(findPreset('Email video, under 25 MB', BUILT_IN_PRESETS)?.id).toBe('email-video');
    expect(findPreset('WEB-PHOTO', BUILT_IN_PRESETS)?.options).toMatchObject({ resize: 2048, stripMetadata: true });
    expect(presetId('Mes vidéos, 720p')).toBe('mes-videos-720p');
    expect(presetProblem('Web photo, 2048 px JPG', 'jpg', normalizeOptions({}))).toMatch(/built-in/);
    expect(presetProblem('Mine', 'jpg', normalizeOptions({ maxSizeBytes: 1e6 }))).toMatch(/video and audio/);
    expect(presetProblem('Mine', 'jpg', normalizeOptions({ resize: 800 }))).toBeUndefined();
  });
});
