import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnimatedWebp, parseAnimatedWebp } from '../../main/core/engine/check/animatedWebpOutput';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

describe('the animated WEBP check', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-webp-check-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=1', '-c:v', 'libwebp_anim', '-loop', '0', '-f', 'webp', path.join(dir, 'moving.webp')]);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=1', '-frames:v', '1', '-c:v', 'libwebp_anim', '-f', 'webp', path.join(dir, 'one.webp')]);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=1', '-frames:v', '1', '-c:v', 'libwebp', '-f', 'webp', path.join(dir, 'still.webp')]);
  });
  afterAll(() => removeDir(dir));
  const read = (name: string) => parseAnimatedWebp(readFileSync(path.join(dir, name)));

  it('reads the canvas, the frames and their length, and passes an animation as planned', () => {
    const facts = read('moving.webp');
    expect(facts).toMatchObject({ width: 96, height: 64, frames: 10, loopCount: 0 });
    expect(facts.durationSeconds).toBeCloseTo(1, 1);
    expect(checkAnimatedWebp(facts, { width: 96, height: 64, durationSeconds: 1, toleranceSeconds: 0.1 })).toEqual([]);
  });

  it('fails one frame, another size, another length; refuses a still and a cut-short file', () => {
    expect(() => read('one.webp')).toThrow(/one still picture, so it does not move/);
    expect(checkAnimatedWebp({ ...read('moving.webp'), frames: 1 }, { width: 96, height: 64, durationSeconds: undefined, toleranceSeconds: 0.1 })).toEqual([expect.stringMatching(/1 frame, so it does not move/)]);
    expect(checkAnimatedWebp(read('moving.webp'), { width: 48, height: 32, durationSeconds: 2, toleranceSeconds: 0.1 })).toEqual([
      expect.stringMatching(/is 96x64, expected 48x32/), expect.stringMatching(/lasts 1\.00 s, expected 2\.00 s/),
    ]);
    expect(() => read('still.webp')).toThrow(/one still picture/);
    const bytes = readFileSync(path.join(dir, 'moving.webp'));
    expect(() => parseAnimatedWebp(bytes.subarray(0, bytes.length - 50))).toThrow(/cut short/);
  });
});
