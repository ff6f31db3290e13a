import { describe, expect, it } from 'vitest';
import { normalizeOptions, type ConversionOptions } from '../../main/core/engine/plan/conversionOptions';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import type { AppError } from '../../main/core/errors';
import { probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const options = (o: Partial<ConversionOptions>) => normalizeOptions(o);
const EVERY_ENCODER = new Set(['libx264', 'libx265', 'libsvtav1', 'libaom-av1', 'libvpx-vp9', 'mpeg4']);
const hevcInput = (overrides = {}) => probedInput(probe({ video: [video({ codec: 'hevc', profile: 'Main', ...overrides })] }));
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('not refused');
};

describe('--speed picks the encoder preset; the quality stays the quality', () => {
  it('x264: fast is veryfast, balanced (the default) is medium, thorough is slow, each with the CRF that keeps the level', () => {
    const planned = (speed?: 'fast' | 'balanced' | 'thorough') =>
      planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9' })] })), 'mp4', { conversion: options({ speed }) }).outputOptions;
    expect(argAfter(planned('fast'), '-preset')).toBe('veryfast');
    expect(argAfter(planned(), '-preset')).toBe('medium');
    expect(argAfter(planned('balanced'), '-preset')).toBe('medium');
    expect(argAfter(planned('thorough'), '-preset')).toBe('slow');
    // veryfast loses detail at a given CRF, so the fast speed asks for a lower CRF to look the same.
    expect(Number(argAfter(planned('fast'), '-crf'))).toBeLessThan(Number(argAfter(planned(), '-crf')));
  });

  it('VP9: thorough spends more effort (lower cpu-used), fast takes the realtime deadline; every speed uses row multithreading', () => {
    const planned = (speed?: 'fast' | 'thorough') => planVideoConversion(probedInput(probe()), 'webm', { conversion: options({ speed }) }).outputOptions;
    expect(Number(argAfter(planned('thorough'), '-cpu-used'))).toBeLessThan(Number(argAfter(planned(), '-cpu-used')));
    expect(argAfter(planned('fast'), '-deadline')).toBe('realtime');
    expect(argAfter(planned(), '-deadline')).toBe('good');
    for (const args of [planned('fast'), planned(), planned('thorough')]) {
      expect(argAfter(args, '-row-mt')).toBe('1');
    }
  });

  it('H.265 and AV1 follow the speed too', () => {
    const h265 = (speed: 'fast' | 'thorough') => planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ speed, videoCodec: 'h265' }), encoders: EVERY_ENCODER }).outputOptions;
    expect([argAfter(h265('fast'), '-preset'), argAfter(h265('thorough'), '-preset')]).toEqual(['veryfast', 'slow']);
    const av1 = (speed: 'fast' | 'thorough') => planVideoConversion(probedInput(probe()), 'mkv', { conversion: options({ speed, videoCodec: 'av1' }), encoders: EVERY_ENCODER }).outputOptions;
    expect(Number(argAfter(av1('fast'), '-preset'))).toBeGreaterThan(Number(argAfter(av1('thorough'), '-preset')));
  });
});

describe('--codec h265 and av1', () => {
  it('an H.264 input asked for H.265 MP4 is encoded with x265 and tagged hvc1 for Apple devices', () => {
    const plan = planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'h265' }), encoders: EVERY_ENCODER });
    expect(plan.strategy).toBe('encode');
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('libx265');
    expect(argAfter(plan.outputOptions, '-tag:v')).toBe('hvc1');
    expect(argAfter(plan.outputOptions, '-vf')).toContain('format=yuv420p');
    expect(plan.expectation.video).toMatchObject({ codec: 'hevc', pixelFormat: 'yuv420p' });
  });

  it('an 8-bit HEVC input asked for H.265 MP4 is remuxed, tagged hvc1; a 10-bit HDR one is encoded', () => {
    const remux = planVideoConversion(hevcInput(), 'mp4', { conversion: options({ videoCodec: 'h265' }), encoders: EVERY_ENCODER });
    expect(remux.strategy).toBe('remux');
    expect(remux.outputOptions.join(' ')).toContain('-c:v copy -tag:v hvc1');
    const hdr = planVideoConversion(hevcInput({ profile: 'Main 10', pixelFormat: 'yuv420p10le', colorTransfer: 'smpte2084' }), 'mov', { conversion: options({ videoCodec: 'h265' }), encoders: EVERY_ENCODER });
    expect(hdr.strategy).toBe('encode');
    expect(argAfter(hdr.outputOptions, '-c:v')).toBe('libx265');
  });

  it('MKV holds H.265 without the MP4 tag', () => {
    const plan = planVideoConversion(probedInput(probe()), 'mkv', { conversion: options({ videoCodec: 'h265' }), encoders: EVERY_ENCODER });
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('libx265');
    expect(plan.outputOptions).not.toContain('-tag:v');
  });

  it('AV1 uses SVT-AV1 when ffmpeg has it, libaom otherwise', () => {
    const av1 = (encoders: Set<string>) => argAfter(planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'av1' }), encoders }).outputOptions, '-c:v');
    expect(av1(EVERY_ENCODER)).toBe('libsvtav1');
    expect(av1(new Set(['libx264', 'libaom-av1']))).toBe('libaom-av1');
  });

  it('is refused in one sentence naming the missing encoder when ffmpeg has none', () => {
    const noAv1 = refusal(() => planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'av1' }), encoders: new Set(['libx264', 'libx265']) }));
    expect(noAv1.code).toBe('OPTION_UNSUPPORTED');
    expect(noAv1.message).toBe('This copy of ffmpeg has no AV1 encoder (libsvtav1 or libaom-av1), so it cannot make AV1 video; choose H.265 or H.264 instead.');
    const noH265 = refusal(() => planVideoConversion(probedInput(probe()), 'mkv', { conversion: options({ videoCodec: 'h265' }), encoders: new Set(['libx264']) }));
    expect(noH265.message).toMatch(/no H\.265 encoder \(libx265\)/);
  });

  it('a size limit with H.265 is two passes of x265 sharing one statistics file; with AV1 it is refused in a sentence', () => {
    const plan = planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'h265', maxSizeBytes: 5e6 }), encoders: EVERY_ENCODER, passLogFile: '/scratch/pass' });
    expect(argAfter(plan.firstPass!, '-c:v')).toBe('libx265');
    expect(argAfter(plan.firstPass!, '-x265-params')).toBe('log-level=error:pass=1:stats=/scratch/pass');
    expect(argAfter(plan.outputOptions, '-x265-params')).toBe('log-level=error:pass=2:stats=/scratch/pass');
    expect(argAfter(plan.outputOptions, '-tag:v')).toBe('hvc1');
    expect(plan.outputOptions).not.toContain('-crf');
    // x265's parameter list has no escape for ':': such a scratch path gets one pass at the bitrate.
    const onePass = planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'h265', maxSizeBytes: 5e6 }), encoders: EVERY_ENCODER, passLogFile: '/scratch:1/pass' });
    expect(onePass.firstPass).toBeUndefined();
    expect(argAfter(onePass.outputOptions, '-x265-params')).toBe('log-level=error');
    const error = refusal(() => planVideoConversion(probedInput(probe()), 'mp4', { conversion: options({ videoCodec: 'av1', maxSizeBytes: 5e6 }), encoders: EVERY_ENCODER }));
    expect(error.code).toBe('OPTION_UNSUPPORTED');
    expect(error.message).toBe('A size limit (--max-size) needs an encode in two passes, which Convertr makes with H.264 or H.265 but not with AV1; choose --codec h265 or h264, or leave out the size limit.');
  });
});
