import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { countGifFrames, countWebpFrames } from '../../main/core/engine/identify/animationFrames';

const bytesOf = (file: Buffer) => (at: number) => at < file.length ? file[at] : undefined;

/** An animation of `count` frames of 64x64, each its own colour, as sharp writes it. */
async function animation(count: number, format: 'gif' | 'webp'): Promise<Buffer> {
  const frames = await Promise.all(Array.from({ length: count }, (_, i) => sharp({ create: { width: 64, height: 64, channels: 3, background: { r: i * 8, g: 255 - i * 8, b: 0 } } }).png().toBuffer()));
  const joined = sharp(frames, { join: { animated: true } });
  return format === 'gif' ? joined.gif().toBuffer() : joined.webp().toBuffer();
}

describe('counting the frames of an animation without decoding it', () => {
  it('counts a GIF\'s pictures by its blocks, a WEBP\'s by its ANMF chunks', async () => {
    const gif = await animation(30, 'gif');
    expect(countGifFrames(bytesOf(gif), Infinity)).toEqual({ frames: 30, reached: gif.length - 1, whole: true });
    expect(countWebpFrames(bytesOf(await animation(12, 'webp')))).toBe(12);
    expect(countWebpFrames(bytesOf(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).webp().toBuffer()))).toBe(0);
  });

  it('a GIF cut short counts the frames that began; a walk stopped at its limit says how far it reached', async () => {
    const gif = await animation(30, 'gif');
    const cut = countGifFrames(bytesOf(gif.subarray(0, Math.floor(gif.length / 2))), Infinity);
    expect(cut.whole).toBe(true);
    expect(cut.frames).toBeGreaterThan(10);
    expect(cut.frames).toBeLessThan(20);
    const stopped = countGifFrames(bytesOf(gif), Math.floor(gif.length / 3));
    expect(stopped.whole).toBe(false);
    expect(stopped.reached).toBeGreaterThanOrEqual(Math.floor(gif.length / 3));
    expect(stopped.frames).toBeGreaterThan(5);
    expect(stopped.frames).toBeLessThan(15);
  });
});
