import { describe, expect, it } from 'vitest';
import { checkAnimation } from '../../main/core/engine/check/checkImageOutput';
import { DEFAULT_OPTIONS } from '../../main/core/engine/plan/conversionOptions';
import { planAnimatedWebpConversions } from '../../main/core/engine/plan/planAnimatedWebp';
import { gifRungs, planGifConversions } from '../../main/core/engine/plan/planGif';
import { MAX_VIDEO_FRAME_PIXELS } from '../../main/core/engine/plan/planVideo';
import type { ImageInfo } from '../../main/core/engine/ports';
import { probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('planGifConversions', () => {
  it('makes one palette for the clip in one filter graph, at most 480 px and 15 fps, without sound', () => {
    const [plan, ...rest] = planGifConversions(probedInput(probe({ video: [video({ frameRate: 30 })] })), DEFAULT_OPTIONS);
    expect(rest).toHaveLength(0);
    const graph = argAfter(plan!.outputOptions, '-vf')!;
    expect(graph).toMatch(/^fps=15,scale=480:270:flags=lanczos,setsar=1,split\[frames\]\[forPalette\];\[forPalette\]palettegen=stats_mode=diff\[palette\];\[frames\]\[palette\]paletteuse=/);
    expect(plan!.outputOptions).toContain('-an');
    expect(plan!.muxer).toBe('gif');
    expect(plan!.expectation).toMatchObject({ container: 'gif', video: { codec: 'gif', width: 480, height: 270 }, audio: { count: 0 } });
  });

  it('keeps a small, slow clip as it is and follows --resize, shown the right way up', () => {
    const [small] = planGifConversions(probedInput(probe({ video: [video({ width: 320, height: 240, frameRate: 10 })] })), DEFAULT_OPTIONS);
    expect(argAfter(small!.outputOptions, '-vf')).toMatch(/^fps=10,scale=320:240:flags=lanczos,setsar=1,/);
    const [turned] = planGifConversions(probedInput(probe({ video: [video({ rotation: 90 })] })), { ...DEFAULT_OPTIONS, resize: 200 });
    expect(turned!.expectation.video).toMatchObject({ width: 113, height: 200 });
  });

  it('says why a GIF is smaller than its video: the 480 px cap or the size limit, and nothing when --resize asked for it', () => {
    const phone = probedInput(probe({ durationSeconds: 60, video: [video({ width: 320, height: 568, frameRate: 30 })] }));
    const [capped] = planGifConversions(phone, DEFAULT_OPTIONS);
    expect(capped!.notes).toContain('The video is 320x568; a GIF is made at most 480 pixels on its longest side, as a larger one loads slowly and weighs several times more.');
    const [resized] = planGifConversions(phone, { ...DEFAULT_OPTIONS, resize: 200 });
    expect(resized!.notes.join(' ')).not.toMatch(/The video is/);
    const steps = planGifConversions(phone, { ...DEFAULT_OPTIONS, maxSizeBytes: 500_000 });
    const smallest = steps.at(-1)!;
    expect(smallest.notes).toContain(`The video is 320x568; the pictures were made ${smallest.expectation.video!.width}x${smallest.expectation.video!.height} to fit the size limit.`);
  });

  it('under a size limit steps down to fewer frames, then smaller pictures, never below 5 fps and 64 px', () => {
    const rungs = gifRungs(video({ frameRate: 30 }), { maxSizeBytes: 1_000_000 });
    expect(rungs[0]).toEqual({ width: 480, height: 270, fps: 15 });
    expect(rungs[1]).toEqual({ width: 480, height: 270, fps: 10 });
    const bytes = rungs.map((r) => r.width * r.height * r.fps);
    expect(bytes.every((b, i) => i === 0 || b < bytes[i - 1]!)).toBe(true);
    expect(rungs.at(-1)).toMatchObject({ width: 64, fps: 5 });
  });

  it('sizes a GIF from the picture as shown in square pixels: a 16:9 DVD (720x576, pixels 64:45) or HDV (1440x1080, 4:3) is 480x270', () => {
    const dvd = video({ width: 720, height: 576, sampleAspectRatio: { num: 64, den: 45 }, frameRate: 25 });
    const [plan] = planGifConversions(probedInput(probe({ video: [dvd] })), DEFAULT_OPTIONS);
    expect(argAfter(plan!.outputOptions, '-vf')).toMatch(/^fps=15,scale=480:270:flags=lanczos,setsar=1,split/);
    expect(plan!.expectation.video).toMatchObject({ width: 480, height: 270 });
    expect(plan!.notes).toContain('The video is 1024x576; a GIF is made at most 480 pixels on its longest side, as a larger one loads slowly and weighs several times more.');
    expect(gifRungs(video({ width: 1440, height: 1080, sampleAspectRatio: { num: 4, den: 3 } }), {})[0]).toMatchObject({ width: 480, height: 270 });
    // --resize and every step of a size limit keep the shape as shown.
    expect(gifRungs(dvd, { resize: 320 })[0]).toMatchObject({ width: 320, height: 180 });
    for (const rung of gifRungs(dvd, { maxSizeBytes: 200_000 })) expect(Math.abs(rung.width - (rung.height * 16) / 9), `${rung.width}x${rung.height}`).toBeLessThanOrEqual(1);
  });

  it('stretches the stored width by the pixel shape before turning the picture: a turned HDV clip is 270x480, not 480x480', () => {
    const turned = video({ width: 1440, height: 1080, sampleAspectRatio: { num: 4, den: 3 }, rotation: 90 });
    expect(gifRungs(turned, {})[0]).toMatchObject({ width: 270, height: 480 });
  });

  it('refuses, before any work, a GIF or animated WEBP whose frames would pass the video frame limit (a damaged pixel shape with a large --resize), naming a --resize that fits', () => {
    // 400x2400 stored, pixels marked 40:1: shown 16000x2400, 38.4 MP.
    const stretched = probedInput(probe({ video: [video({ width: 400, height: 2400, sampleAspectRatio: { num: 40, den: 1 }, frameRate: 25 })] }));
    for (const plan of [planGifConversions, planAnimatedWebpConversions]) {
      expect(() => plan(stretched, { ...DEFAULT_OPTIONS, resize: 16384 })).toThrow(expect.objectContaining({
        code: 'TOO_LARGE',
        message: "This video's pixels are marked 40:1, far wider than high, so it is shown at 16000x2400 (38.4 megapixels), above the 35.7-megapixel limit that protects your computer's memory; choose a smaller picture with --resize (15416 or less).",
      }));
      const [fitted] = plan(stretched, { ...DEFAULT_OPTIONS, resize: 15416 });
      const size = fitted!.expectation.video!;
      expect(size.width * size.height).toBeLessThanOrEqual(MAX_VIDEO_FRAME_PIXELS);
      // Without --resize the 480-pixel cap keeps it small.
      expect(plan(stretched, DEFAULT_OPTIONS)[0]!.expectation.video).toMatchObject({ width: 480, height: 72 });
    }
    // Shrunk by --resize yet still too large: the size it would have is named.
    const wide = probedInput(probe({ video: [video({ width: 5000, height: 8000, sampleAspectRatio: { num: 4, den: 1 } })] }));
    expect(() => planGifConversions(wide, { ...DEFAULT_OPTIONS, resize: 16384 })).toThrow(expect.objectContaining({
      code: 'TOO_LARGE', message: expect.stringMatching(/shown at 20000x8000; at --resize 16384 a GIF would be 16384x6554 \(107\.4 megapixels\), above .*--resize \(9440 or less\)\.$/),
    }));
  });

  it('refuses a limit no GIF of the clip can meet before any work', () => {
    const input = probedInput(probe({ durationSeconds: 60 }));
    expect(() => planGifConversions(input, { ...DEFAULT_OPTIONS, maxSizeBytes: 5_000 })).toThrow(expect.objectContaining({ code: 'SIZE_UNREACHABLE' }));
    expect(planGifConversions(input, { ...DEFAULT_OPTIONS, maxSizeBytes: 500_000 }).length).toBeGreaterThan(3);
  });
});

describe('checkAnimation', () => {
  const info = (over: Partial<ImageInfo>): ImageInfo => ({ format: 'gif', width: 480, height: 270, hasAlpha: false, orientation: undefined, hasExif: false, photoTags: [], hasIcc: false, pages: 60, ...over });
  it('passes a GIF that moves at the planned size, and fails one still frame or another size', () => {
    expect(checkAnimation(info({}), { format: 'gif', width: 480, height: 270 })).toEqual([]);
    expect(checkAnimation(info({ pages: 1 }), { format: 'gif', width: 480, height: 270 }).join()).toMatch(/1 frame, so it does not move/);
    expect(checkAnimation(info({ width: 1280 }), { format: 'gif', width: 480, height: 270 }).join()).toMatch(/1280x270/);
  });
  it('passes one frame only when the clip is shorter than two of the GIF\'s frames', () => {
    expect(checkAnimation(info({ pages: 1 }), { format: 'gif', width: 480, height: 270, oneFrame: true })).toEqual([]);
    expect(checkAnimation(info({ pages: 0 }), { format: 'gif', width: 480, height: 270, oneFrame: true }).join()).toMatch(/0 frames/);
  });
});
