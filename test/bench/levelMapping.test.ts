import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITIES, SOURCES, bytes, convertOurs, makeClip, pictureSsim, referencePng, requireBuild, videoScore, type Level } from './qualityTools';

/** SSIM may tie between neighbouring levels (a flat clip), never drop by more than this as the level rises. */
const SSIM_TOLERANCE = 0.002;
/** A JPEG at the default level looks like the photo: structure kept at SSIM 0.95 and above. */
const BALANCED_JPEG_SSIM = 0.95;

/** The chroma subsampling an AVIF's AV1 configuration box (av1C) declares. */
function avifChroma(file: string): '4:4:4' | '4:2:0' | 'other' {
  const data = readFileSync(file);
  const at = data.indexOf('av1C');
  const bits = data[at + 4 + 2]!;
  const x = (bits >> 3) & 1;
  const y = (bits >> 2) & 1;
  return x === 0 && y === 0 ? '4:4:4' : x === 1 && y === 1 ? '4:2:0' : 'other';
}

/** The settings x264 writes into its stream. */
const x264Settings = (file: string) => /x264 - core [^\0]*/.exec(readFileSync(file).toString('latin1'))?.[0] ?? '';

interface Measured {
  bytes: number;
  ssim: number;
}

function expectOrdered(byLevel: Record<Level, Measured>): void {
  const { high, balanced, small } = byLevel;
  expect(small.bytes, 'small writes fewer bytes than balanced').toBeLessThan(balanced.bytes);
  expect(balanced.bytes, 'balanced writes fewer bytes than high').toBeLessThan(high.bytes);
  expect(small.ssim, 'high looks better than small').toBeLessThan(high.ssim);
  expect(small.ssim).toBeLessThanOrEqual(balanced.ssim + SSIM_TOLERANCE);
  expect(balanced.ssim).toBeLessThanOrEqual(high.ssim + SSIM_TOLERANCE);
}

/** --quality through the built command, on a real photo and a clip made from one: less quality, fewer bytes. */
describe('the quality levels of the built command', () => {
  let work: string;
  let photo: string;
  let clip: string;

  beforeAll(async () => {
    requireBuild();
    work = mkdtempSync(path.join(tmpdir(), 'convertr-levels-'));
    photo = await referencePng(path.join(SOURCES, 'portrait_6.jpg'), work);
    clip = makeClip(photo, path.join(work, 'zoom.mkv'), 2, { kind: 'zoom' }, { width: 640, height: 360 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('orders a photo clip to MP4: small < balanced < high in bytes, the other way in SSIM; high is x264 slow, each with up to 5 B-frames', () => {
    const byLevel = {} as Record<Level, Measured>;
    for (const level of QUALITIES) {
      const run = convertOurs(clip, 'mp4', level, path.join(work, `mp4-${level}`), work);
      byLevel[level] = { bytes: bytes(run.output), ssim: videoScore(run.output, clip, false).ssim };
      // slow searches sub-pixels at level 8 (medium at 7); both choose among up to 5 B-frames in a row.
      expect(x264Settings(run.output), level).toMatch(level === 'high' ? / subme=8 / : / subme=7 /);
      expect(x264Settings(run.output), level).toMatch(/ bframes=5 /);
    }
    expectOrdered(byLevel);
  });

  it('orders a photo to AVIF the same way; a picture under 1 MP keeps its full colour resolution (4:4:4), a phone photo 4:2:0', async () => {
    const byLevel = {} as Record<Level, Measured>;
    for (const level of QUALITIES) {
      const run = convertOurs(path.join(SOURCES, 'portrait_6.jpg'), 'avif', level, path.join(work, `avif-${level}`), work);
      byLevel[level] = { bytes: bytes(run.output), ssim: await pictureSsim(run.output, photo, work) };
      expect(avifChroma(run.output), level).toBe('4:4:4');
    }
    expectOrdered(byLevel);
    const phone = convertOurs(path.join(SOURCES, 'xiaomi.heic'), 'avif', 'small', path.join(work, 'avif-phone'), work);
    expect(avifChroma(phone.output)).toBe('4:2:0');
  });

  it('orders a photo to JPG the same way, and balanced keeps SSIM of at least 0.95', async () => {
    const byLevel = {} as Record<Level, Measured>;
    for (const level of QUALITIES) {
      const run = convertOurs(path.join(SOURCES, 'portrait_6.jpg'), 'jpg', level, path.join(work, `jpg-${level}`), work);
      byLevel[level] = { bytes: bytes(run.output), ssim: await pictureSsim(run.output, photo, work) };
    }
    expectOrdered(byLevel);
    expect(byLevel.balanced.ssim).toBeGreaterThanOrEqual(BALANCED_JPEG_SSIM);
  });
});
