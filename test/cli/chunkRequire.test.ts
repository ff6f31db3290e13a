import { mkdirSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkRequire } from '../../main/cli/chunkRequire';
import { removeDir, tempDir } from '../helpers/media';

// The built command's chunks require each other by `./name.cjs`; chunkRequire takes those straight from their path.
// Each chunk must still be one module: two copies would make two AppError classes, two job stores.
describe('chunkRequire', () => {
  const dir = tempDir('convertr-chunks-');
  const folder = path.join(dir, 'cli-chunks');
  mkdirSync(folder);
  afterAll(() => removeDir(dir));

  const chunk = (name: string, text: string) => {
    writeFileSync(path.join(folder, name), text);
    return path.join(folder, name);
  };
  const parentOf = (file: string) => {
    const parent = new Module(file);
    parent.filename = file;
    return parent;
  };

  it('loads a sibling chunk once, the same module Node\'s require gives, and runs it once', () => {
    const counter = chunk('counter-a1.cjs', 'globalThis.__chunkRuns = (globalThis.__chunkRuns ?? 0) + 1; exports.marker = {};');
    const parentFile = chunk('parent-b2.cjs', '');
    const base = createRequire(parentFile);
    const fast = chunkRequire(parentOf(parentFile), folder, base);
    const first = fast('./counter-a1.cjs') as { marker: object };
    const again = fast('./counter-a1.cjs') as { marker: object };
    const byNode = base(counter) as { marker: object };
    expect(again.marker).toBe(first.marker);
    expect(byNode.marker).toBe(first.marker);
    expect((globalThis as { __chunkRuns?: number }).__chunkRuns).toBe(1);
  });

  it('takes a chunk Node loaded first from Node\'s cache, and leaves everything else to Node', () => {
    const early = chunk('early-c3.cjs', 'exports.marker = {};');
    const parentFile = chunk('parent-d4.cjs', '');
    const base = createRequire(parentFile);
    const byNode = base(early) as { marker: object };
    const fast = chunkRequire(parentOf(parentFile), folder, base);
    expect((fast('./early-c3.cjs') as { marker: object }).marker).toBe(byNode.marker);
    expect(fast('node:path')).toBe(path);
    expect(fast.resolve('./early-c3.cjs')).toBe(early);
  });

  it('forgets a chunk that threw, so the error repeats rather than a half-made module', () => {
    const parentFile = chunk('parent-e5.cjs', '');
    chunk('broken-f6.cjs', 'throw new Error("cannot load");');
    const fast = chunkRequire(parentOf(parentFile), folder, createRequire(parentFile));
    expect(() => fast('./broken-f6.cjs')).toThrow('cannot load');
    expect(() => fast('./broken-f6.cjs')).toThrow('cannot load');
  });
});
