// Lint rules, including the one-way import rule (docs/ARCHITECTURE.md, "The parts").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importDirectionRule } from './scripts/importDirectionRule.js';

const SHELLS = ['main/electron', 'main/cli', 'main/web', 'main/shell'];

// One plugin object: a file that two entries match (main/core/durationText.ts) may not meet two of them.
const convertr = { rules: { 'import-direction': importDirectionRule } };

/** The one-way import rule for `files`, decided on the path each import (static, re-export, import() or require) resolves to; a later entry's options replace an earlier one's. */
function direction(files, options) {
  return { files, plugins: { convertr }, rules: { 'convertr/import-direction': ['error', options] } };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  direction(['main/core/**'], { forbid: ['native', ...SHELLS, 'renderer', 'preload'], packages: ['electron'],
    message: 'main/core is the Electron-free engine: it owns its ports and never imports native/, electron or a shell.' }),
  direction(['native/**'], { forbid: [...SHELLS, 'renderer', 'preload'], packages: ['electron'],
    message: 'native/ implements the ports of main/core and imports nothing else of the app.' }),
  direction(['main/cli/**', 'main/web/**', 'main/shell/**'], { forbid: ['main/electron', 'renderer'], packages: ['electron'],
    message: 'Only main/electron may import electron; what the shells share lives in main/shell.' }),
  direction(['renderer/**'], { forbid: ['main', 'native', 'preload/index.ts'], allow: ['main/core/durationText.ts'], typesOnly: ['preload/contract.ts'], packages: ['electron', 'node:'],
    message: 'The renderer talks to main only through the types of preload/contract.ts; formats, modes and limits arrive through app:facts; of core it imports only main/core/durationText.ts, so that both front ends word a duration alike.' }),
  direction(['main/core/durationText.ts'], { forbid: ['main', 'native', 'preload', 'renderer'], packages: ['electron', 'node:'],
    message: 'The window imports this module too: it imports nothing.' }),
  direction(['preload/contract.ts'], { forbid: ['main', 'native'], allow: ['main/core/facts.ts'], packages: ['electron', 'node:'],
    message: 'The contract is shared with the renderer and the preload: no electron, no Node built-ins; of core, only the facts module main/core/facts.ts.' }),
);
