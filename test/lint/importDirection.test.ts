import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('import direction (docs/ARCHITECTURE.md)', () => {
  it('forbids main/core from importing native/, electron or a shell', async () => {
    expect(await ruleIds('main/core/x.ts', "import { a } from '../../native/ffmpeg/runProcess.js';\nexport const b = a;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('main/core/x.ts', "import { app } from 'electron';\nexport const b = app;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('main/core/x.ts', "import { main } from '../cli/index.js';\nexport const b = main;\n")).toContain('no-restricted-imports');
  });

  it('forbids the renderer from importing electron, Node built-ins or main', async () => {
    expect(await ruleIds('renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const b = ipcRenderer;\n")).toContain('no-restricted-imports');
  });

  it('allows the shells to import core and native', async () => {
    expect(await ruleIds('main/cli/x.ts', "import { a } from '../../native/ffmpeg/runProcess.js';\nimport { b } from '../core/errors.js';\nexport const c = [a, b];\n")).toEqual([]);
  });
});
