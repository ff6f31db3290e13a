import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateJobMemory } from '../../main/core/jobMemory';
import { DEFAULT_JOB_MEMORY } from '../../main/core/memoryEstimate';
import { removeDir, tempDir } from '../helpers/media';

describe('a job\'s memory estimate from its input file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('convertr-jobmem-');
    writeFileSync(path.join(dir, 'alpha.png'), await sharp({ create: { width: 4000, height: 4000, channels: 4, background: 'red' } }).png().toBuffer());
    execFileSync('mkfifo', [path.join(dir, 'pipe.png')]);
  });
  afterAll(() => removeDir(dir));

  it('reads a picture\'s header: WEBP of a 16 MP picture with alpha counts its pixels, PNG a strip', () => {
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'webp')).toBeGreaterThan(16e6 * 14);
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'png')).toBeLessThan(64e6);
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'webp', { resize: 1000 })).toBeLessThan(64e6);
  });

  it('counts the kind\'s usual need for video, sound, a missing file and a FIFO, without waiting on the FIFO', () => {
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'mp4')).toBe(DEFAULT_JOB_MEMORY.video);
    expect(estimateJobMemory(path.join(dir, 'none.png'), 'jpg')).toBe(DEFAULT_JOB_MEMORY.image);
    expect(estimateJobMemory(path.join(dir, 'pipe.png'), 'jpg')).toBe(DEFAULT_JOB_MEMORY.image);
  });
});
