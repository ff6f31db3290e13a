import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyInput } from '../../main/core/engine/identify/identifyInput';
import { ensureDirectory } from '../../main/core/engine/run/outputFiles';

describe('small files and output folders, with the fewest reads', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'convertr-small-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('identifying a small picture reads it whole (the converter reuses those bytes); a large one only its head', async () => {
    const small = path.join(dir, 'small.png');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toFile(small);
    expect(Buffer.from((await identifyInput(small)).wholeFile!)).toEqual(readFileSync(small));
    const large = path.join(dir, 'large.png');
    await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toFile(large);
    expect(statSync(large).size).toBeGreaterThan(64 * 1024);
    const identified = await identifyInput(large);
    expect([identified.format, identified.wholeFile]).toEqual(['png', undefined]);
  });

  it('an output "folder" that is a file (even an executable one) is refused, and a missing folder is created', async () => {
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    chmodSync(file, 0o755);
    await expect(ensureDirectory(file)).rejects.toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
    const nested = path.join(dir, 'a', 'b');
    await ensureDirectory(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
  });
});
