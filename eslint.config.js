// Lint rules, including the one-way import rule (docs/ARCHITECTURE.md, "The parts").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'stream', 'http', 'https', 'net', 'url', 'util'];

function forbid(files, patterns, message) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  };
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
  forbid(['main/core/**'], ['**/native/**', 'electron', '**/main/electron/**', '**/main/cli/**', '**/main/web/**', '**/main/shell/**', '../electron/**', '../cli/**', '../web/**', '../shell/**', '**/renderer/**', '**/preload/**'],
    'main/core is the Electron-free engine: it owns its ports and never imports native/, electron or a shell.'),
  forbid(['native/**'], ['electron', '**/main/electron/**', '**/main/cli/**', '**/main/web/**', '**/renderer/**', '**/preload/**'],
    'native/ implements the ports of main/core and imports nothing else of the app.'),
  forbid(['main/cli/**', 'main/web/**', 'main/shell/**'], ['electron', '**/main/electron/**', '../electron/**', '**/renderer/**'],
    'Only main/electron may import electron; what the shells share lives in main/shell.'),
  forbid(['renderer/**'], ['electron', '**/main/**', '**/native/**', '**/preload/index*', ...NODE_BUILTINS],
    'The renderer talks to main only through the types of preload/contract.ts.'),
  forbid(['preload/contract.ts'], ['electron', ...NODE_BUILTINS, '**/main/**', '**/native/**'],
    'The contract is shared with the renderer: no electron, no Node built-ins.'),
);
