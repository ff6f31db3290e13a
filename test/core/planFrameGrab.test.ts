import { describe, expect, it } from 'vitest';
import { checkStillOfVideo } from '../../main/core/engine/check/checkImageOutput';
import { DEFAULT_OPTIONS, optionsProblem } from '../../main/core/engine/plan/conversionOptions';
import { formatMoment, parseMoment } from '../../main/core/engine/plan/moments';
import { planFrameGrab } from '../../main/core/engine/plan/planFrameGrab';
import type { ImageInfo } from '../../main/core/engine/ports';
import { probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('planFrameGrab', () => {
  it('without --at, picks a representative frame from a window past the first tenth of the clip, one picture only', () => {
    const plan = planFrameGrab(probedInput(probe({ durationSeconds: 60 })), 'jpg', DEFAULT_OPTIONS);
    expect(plan.inputOptions).toEqual(['-ss', '6', '-t', '10']);
    expect(argAfter(plan.outputOptions, '-vf')).toMatch(/^fps=2,thumbnail=n=20,scale=1920:1080:flags=lanczos:out_range=pc,setsar=1,format=yuvj420p$/);
    expect(argAfter(plan.outputOptions, '-frames:v')).toBe('1');
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('mjpeg');
    expect(plan.expectation.video).toMatchObject({ width: 1920, height: 1080 });
  });

  it('with --at, seeks to that moment; refuses a moment past the end; follows --resize and rotation', () => {
    const plan = planFrameGrab(probedInput(probe({ video: [video({ rotation: 90 })] })), 'png', { ...DEFAULT_OPTIONS, at: 5, resize: 640 });
    expect(plan.inputOptions).toEqual(['-ss', '5']);
    expect(argAfter(plan.outputOptions, '-vf')).toBe('scale=360:640:flags=lanczos,setsar=1,format=rgb24');
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('png');
    expect(() => planFrameGrab(probedInput(probe({ durationSeconds: 4 })), 'webp', { ...DEFAULT_OPTIONS, at: 9 }))
      .toThrow(expect.objectContaining({ code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/no picture at 00:00:09/) }));
  });

  it('makes the still at the size shown, in square pixels: a 16:9 DVD 1024x576, a turned HDV clip 1080x1920; --resize caps the longest side shown', () => {
    const dvd = video({ width: 720, height: 576, sampleAspectRatio: { num: 64, den: 45 } });
    const still = planFrameGrab(probedInput(probe({ video: [dvd] })), 'jpg', { ...DEFAULT_OPTIONS, at: 1 });
    expect(argAfter(still.outputOptions, '-vf')).toBe('scale=1024:576:flags=lanczos:out_range=pc,setsar=1,format=yuvj420p');
    expect(still.expectation.video).toMatchObject({ width: 1024, height: 576 });
    expect(planFrameGrab(probedInput(probe({ video: [dvd] })), 'png', { ...DEFAULT_OPTIONS, at: 1, resize: 320 }).expectation.video).toMatchObject({ width: 320, height: 180 });
    const turned = video({ width: 1440, height: 1080, sampleAspectRatio: { num: 4, den: 3 }, rotation: 270 });
    expect(planFrameGrab(probedInput(probe({ video: [turned] })), 'webp', { ...DEFAULT_OPTIONS, at: 1 }).expectation.video).toMatchObject({ width: 1080, height: 1920 });
    // A pixel shape no real video has (a damaged header) would stretch the still past what memory allows: refused, unless --resize makes it small.
    const stretched = probedInput(probe({ video: [video({ width: 3840, height: 2160, sampleAspectRatio: { num: 255, den: 1 } })] }));
    expect(() => planFrameGrab(stretched, 'jpg', DEFAULT_OPTIONS)).toThrow(expect.objectContaining({ code: 'TOO_LARGE', message: expect.stringMatching(/shown at 979200x2160 .*--resize/) }));
    expect(planFrameGrab(stretched, 'jpg', { ...DEFAULT_OPTIONS, resize: 1000 }).expectation.video).toMatchObject({ width: 1000, height: 2 });
  });

  it('--at applies to stills only', () => {
    expect(optionsProblem({ ...DEFAULT_OPTIONS, at: 5 }, 'mp4')).toMatch(/--at picks the moment of a still/);
    expect(optionsProblem({ ...DEFAULT_OPTIONS, at: 5 }, 'webp')).toBeUndefined();
  });
});

describe('moments', () => {
  it('reads 00:00:05, 1:30, 5 and 2.5 as seconds, and refuses what is not a moment', () => {
    expect(parseMoment('00:00:05')).toBe(5);
    expect(parseMoment('1:30')).toBe(90);
    expect(parseMoment('01:02:03.5')).toBe(3723.5);
    expect(parseMoment('2.5')).toBe(2.5);
    expect(parseMoment('1:75')).toBeUndefined();
    expect(parseMoment('five')).toBeUndefined();
    expect(formatMoment(3723.5)).toBe('01:02:03.5');
  });
});

describe('checkStillOfVideo', () => {
  const info: ImageInfo = { format: 'jpeg', width: 1920, height: 1080, hasAlpha: false, orientation: undefined, hasExif: false, photoTags: [], hasIcc: false, pages: 1 };
  it('fails a black picture the engine chose, not one the user asked for by its moment', () => {
    expect(checkStillOfVideo(info, 'jpg', { width: 1920, height: 1080, chosen: true }, 120)).toEqual([]);
    expect(checkStillOfVideo(info, 'jpg', { width: 1920, height: 1080, chosen: true }, 3).join()).toMatch(/the picture is black/);
    expect(checkStillOfVideo(info, 'jpg', { width: 1920, height: 1080, chosen: false }, 3)).toEqual([]);
  });
});
