import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const eslint = new ESLint({ cwd: ROOT });

/** The messages of the import rule for `code` placed at `file` (nothing is written: ESLint lints the text as that file). */
async function importProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result!.messages.filter((m) => m.ruleId === null || /import/.test(m.ruleId)).map((m) => m.message);
}

describe('import direction (docs/ARCHITECTURE.md), decided on resolved paths', () => {
  it('forbids main/core from importing native/, electron or a shell', async () => {
    expect(await importProblems('main/core/x.ts', "import { a } from '../../native/ffmpeg/runProcess.js';\nexport const b = a;\n")).toHaveLength(1);
    expect(await importProblems('main/core/x.ts', "import { app } from 'electron';\nexport const b = app;\n")).toHaveLength(1);
    expect(await importProblems('main/core/x.ts', "import { main } from '../cli/index.js';\nexport const b = main;\n")).toHaveLength(1);
  });

  it('catches a file one folder deep in main/core reaching native/ or a shell, statically or through import()', async () => {
    const deep = 'main/core/x/y.ts';
    expect(await importProblems(deep, "import { a } from '../../../native/ffmpeg/runProcess.js';\nexport const b = a;\n")).toHaveLength(1);
    expect(await importProblems(deep, "export async function load() {\n  return import('../../../native/ffmpeg/runProcess.js');\n}\n")).toHaveLength(1);
    expect(await importProblems(deep, "export async function load() {\n  return import(`../../shell/handleInvoke.js`);\n}\n")).toHaveLength(1);
    expect(await importProblems(deep, "import { contractHandlers } from '../../shell/contractHandlers.js';\nexport const c = contractHandlers;\n")).toHaveLength(1);
    expect(await importProblems(deep, "export * from '../../../preload/contract.js';\n")).toHaveLength(1);
  });

  it('names the file an import reaches', async () => {
    expect(await importProblems('main/core/x/y.ts', "export async function load() {\n  return import('../../shell/handleInvoke.js');\n}\n")).toEqual([expect.stringContaining('reaches main/shell/handleInvoke.js')]);
  });

  it('refuses an import() in main/core or native/ whose module is computed, since it cannot be checked', async () => {
    expect(await importProblems('main/core/x/y.ts', "export async function load(name: string) {\n  return import(`../../../${name}/x.js`);\n}\n")).toEqual([expect.stringContaining('computed')]);
    expect(await importProblems('native/x/y.ts', "export async function load(name: string) {\n  return import(name);\n}\n")).toEqual([expect.stringContaining('computed')]);
  });

  it('lets native/ import main/core (also one folder deep, also through import()) but no shell or electron', async () => {
    expect(await importProblems('native/x/y.ts', "export async function load() {\n  return import('../../main/core/engine/identify/probeParse.js');\n}\n")).toEqual([]);
    expect(await importProblems('native/x/y.ts', "export async function load() {\n  return import('../../main/shell/handleInvoke.js');\n}\n")).toEqual([expect.stringContaining('reaches main/shell/handleInvoke.js')]);
    expect(await importProblems('native/x/y.ts', "import { app } from 'electron';\nexport const b = app;\n")).toHaveLength(1);
  });

  it('forbids the renderer from importing electron, Node built-ins or main', async () => {
    expect(await importProblems('renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n")).toHaveLength(1);
    expect(await importProblems('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const b = ipcRenderer;\n")).toHaveLength(1);
    expect(await importProblems('renderer/src/deep/x.ts', "import { OUTPUT_FORMATS } from '../../../main/core/formats';\nexport const b = OUTPUT_FORMATS;\n")).toHaveLength(1);
  });

  it('lets the renderer take only types from the contract, and the contract only the facts from core', async () => {
    expect(await importProblems('renderer/src/x.ts', "import type { AppFactsView } from '../../preload/contract';\nexport type F = AppFactsView;\n")).toEqual([]);
    expect(await importProblems('renderer/src/x.ts', "import { outputFormatSchema } from '../../preload/contract';\nexport const f = outputFormatSchema;\n")).toEqual([expect.stringContaining('types only')]);
    expect(await importProblems('preload/contract.ts', "import { OUTPUT_FORMATS } from '../main/core/facts';\nexport const f = OUTPUT_FORMATS;\n")).toEqual([]);
    expect(await importProblems('preload/contract.ts', "import { OUTPUT_FORMATS } from '../main/core/formats';\nexport const f = OUTPUT_FORMATS;\n")).toHaveLength(1);
  });

  it('lets the renderer import the one module of core that words durations, which itself imports nothing', async () => {
    expect(await importProblems('renderer/src/deep/x.ts', "import { formatTimeLeft } from '../../../main/core/durationText';\nexport const f = formatTimeLeft;\n")).toEqual([]);
    expect(await importProblems('renderer/src/deep/x.ts', "import { formatBytes } from '../../../main/core/durationTextHelpers';\nexport const f = formatBytes;\n")).toHaveLength(1);
    expect(await importProblems('main/core/durationText.ts', "import { OUTPUT_FORMATS } from './facts.js';\nexport const f = OUTPUT_FORMATS;\n")).toEqual([expect.stringContaining('imports nothing')]);
    expect(await importProblems('main/core/durationText.ts', "import { format } from 'node:util';\nexport const f = format;\n")).toHaveLength(1);
  });

  it('allows the shells to import core and native', async () => {
    expect(await importProblems('main/cli/x.ts', "import { a } from '../../native/ffmpeg/runProcess.js';\nimport { b } from '../core/errors.js';\nexport const c = [a, b];\n")).toEqual([]);
  });

  it('holds for every file of the tree as it is', async () => {
    const results = await eslint.lintFiles(['main/core', 'native', 'preload', 'renderer/src']);
    const problems = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'convertr/import-direction').map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  }, 120_000);
});
