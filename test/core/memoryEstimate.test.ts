import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_MEMORY, MAX_JOB_MEMORY_BYTES, memoryBudget, memoryBudgetOverride, pictureJobMemory, videoJobMemory, type PictureFacts } from '../../main/core/scheduling/memoryEstimate';
import { readPictureFacts } from '../../main/core/engine/identify/pictureHeader';
import { corpus } from '../helpers/media';

const GB = 1e9;
const MP196: PictureFacts = { width: 14000, height: 14000, bands: 3, bytesPerSample: 1, progressive: false };

describe('memory estimate', () => {
  it('a 196 MP picture streamed into JPG, PNG or TIFF needs a strip of lines, not the picture', () => {
    for (const target of ['jpg', 'png', 'tiff'] as const) expect(pictureJobMemory(MP196, target)).toBeLessThan(0.1 * GB);
  });

  it('whole-picture encoders and pictures that must be whole count every pixel', () => {
    expect(pictureJobMemory({ ...MP196, bands: 4 }, 'webp')).toBeGreaterThan(2.5 * GB);
    expect(pictureJobMemory(MP196, 'webp')).toBeLessThan(MAX_JOB_MEMORY_BYTES);
    expect(pictureJobMemory(MP196, 'avif')).toBeGreaterThan(MAX_JOB_MEMORY_BYTES);
    expect(pictureJobMemory({ ...MP196, progressive: true }, 'png')).toBeGreaterThan(14000 * 14000 * 3);
    expect(pictureJobMemory({ ...MP196, orientation: 6 }, 'jpg')).toBeGreaterThan(14000 * 14000 * 3);
    expect(pictureJobMemory({ ...MP196, bands: 4 }, 'webp', 2000)).toBeLessThan(0.2 * GB);
    // A small photo gets optimised Huffman tables, which hold its coefficients.
    expect(pictureJobMemory({ width: 4000, height: 3000, bands: 3, bytesPerSample: 1, progressive: false }, 'jpg')).toBeGreaterThan(12e6 * 6);
  });

  it('a video counts its frames in flight, sound a little', () => {
    expect(videoJobMemory(3840, 2160)).toBeGreaterThan(videoJobMemory(1920, 1080) * 2);
    expect(videoJobMemory(1920, 1080, 10)).toBe(Math.round(96 * 2 ** 20 + 1920 * 1080 * 1.5 * 10));
    expect(DEFAULT_JOB_MEMORY.audio).toBeLessThan(0.1 * GB);
  });

  it('the budget is the smaller of 1.5 GB and a quarter of RAM, unless the environment says otherwise', () => {
    expect(memoryBudget(16 * 2 ** 30)).toBe(1.5 * GB);
    expect(memoryBudget(4 * 2 ** 30)).toBe(2 ** 30);
    expect(memoryBudget(16 * 2 ** 30, memoryBudgetOverride({ CONVERTR_MEMORY_BUDGET_MB: '500' }))).toBe(500e6);
    expect(memoryBudgetOverride({ CONVERTR_MEMORY_BUDGET_MB: 'lots' })).toBeUndefined();
    expect(memoryBudgetOverride({})).toBeUndefined();
  });
});

describe('picture facts from the header', () => {
  const make = (channels: 3 | 4) => sharp({ create: { width: 300, height: 200, channels, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } });

  it('reads PNG (colour type, 16-bit, tRNS, interlace), JPEG (progressive, orientation), GIF and WebP headers', async () => {
    expect(readPictureFacts(await make(3).png().toBuffer())).toEqual({ width: 300, height: 200, bands: 3, bytesPerSample: 1, progressive: false });
    expect(readPictureFacts(await make(4).png({ palette: true }).toBuffer())).toMatchObject({ bands: 4 });
    expect(readPictureFacts(await make(4).png({ progressive: true }).toBuffer())).toMatchObject({ bands: 4, progressive: true });
    expect(readPictureFacts(await make(3).toColourspace('rgb16').png().toBuffer())).toMatchObject({ bytesPerSample: 2 });
    expect(readPictureFacts(await make(3).jpeg().toBuffer())).toEqual({ width: 300, height: 200, bands: 3, bytesPerSample: 1, progressive: false, orientation: undefined });
    expect(readPictureFacts(await make(3).withMetadata({ orientation: 6 }).jpeg({ progressive: true }).toBuffer())).toMatchObject({ progressive: true, orientation: 6 });
    expect(readPictureFacts(await make(3).gif().toBuffer())).toMatchObject({ width: 300, height: 200 });
    expect(readPictureFacts(await make(4).webp().toBuffer())).toMatchObject({ width: 300, height: 200, bands: 4 });
    expect(readPictureFacts(await make(3).webp({ lossless: true }).toBuffer())).toMatchObject({ width: 300, height: 200 });
  });

  it('reads the picture size of a HEIC from its largest ispe property, decoded whole with the memory of the decoder', () => {
    const facts = readPictureFacts(readFileSync(corpus('heic/IMG_5195.HEIC')).subarray(0, 256 * 1024));
    expect(facts).toMatchObject({ width: 2566, height: 3313, progressive: true });
    expect(pictureJobMemory(facts!, 'jpg')).toBeGreaterThan(2566 * 3313 * 4 * 2);
  });

  it('gives nothing for a cut header or another format', async () => {
    const png = await make(3).png().toBuffer();
    expect(readPictureFacts(png.subarray(0, 20))).toBeUndefined();
    expect(readPictureFacts(Buffer.from('not a picture at all'))).toBeUndefined();
  });
});
