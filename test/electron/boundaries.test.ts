import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const NODE_BUILTIN = /^(node:|fs|path|os|child_process|worker_threads|crypto|stream|http|https|net|url|util)(\/|$)/;

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : /\.(ts|tsx|js|mjs)$/.test(name) ? [full] : [];
  });
}

describe('bridge boundaries', () => {
  it('the contract imports neither electron nor Node built-ins: zod, and the facts core defines once', () => {
    const imports = importsOf(path.join(ROOT, 'preload/contract.ts'));
    expect(imports).toEqual(['zod', '../main/core/facts']);
  });

  it('the renderer never imports electron, Node built-ins, main or native, but for the duration wording both front ends share, which imports nothing', () => {
    const shared = /(^|\/)main\/core\/durationText$/;
    for (const file of filesUnder(path.join(ROOT, 'renderer'))) {
      for (const specifier of importsOf(file)) {
        expect(specifier, `${file} imports ${specifier}`).not.toBe('electron');
        expect(NODE_BUILTIN.test(specifier), `${file} imports ${specifier}`).toBe(false);
        if (!shared.test(specifier)) expect(specifier, `${file} imports ${specifier}`).not.toMatch(/(^|\/)(main|native)\//);
      }
    }
    expect(importsOf(path.join(ROOT, 'main/core/durationText.ts'))).toEqual([]);
  });

  it('in main, only main/electron imports electron', () => {
    for (const dir of ['main/core', 'main/cli', 'native']) {
      for (const file of filesUnder(path.join(ROOT, dir))) expect(importsOf(file), file).not.toContain('electron');
    }
  });
});
