import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { build, type Plugin } from 'vite';

/**
 * The `convertr` command, built after the main process as CommonJS (out/main/cli.cjs and out/main/cli-chunks):
 * Node loads CommonJS modules with less work than ES modules, and only CommonJS code can be compiled with a
 * cache of V8's code on Node 20 (main/cli/codeCache.ts). Each command still loads only its own chunks.
 */
function commandLineBuild(): Plugin {
  return {
    name: 'convertr-command-line',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          ssr: true,
          outDir: 'out/main',
          emptyOutDir: false,
          target: 'node20',
          rollupOptions: {
            input: { cli: resolve('main/cli/launch.ts') },
            output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'cli-chunks/[name]-[hash].cjs' },
          },
        },
        // zod and better-sqlite3's JavaScript are bundled, so they compile with the code cache and are not resolved
        // file by file (zod's sixty files cost a command about 30 ms at start); better-sqlite3's addon is still
        // loaded by its path (native/sqlite/openDatabase.ts).
        ssr: { noExternal: ['zod', 'better-sqlite3'] },
      });
    },
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: ['zod'] },
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('main/electron/main.ts'),
          heicDecodeWorker: resolve('native/heic/heicDecodeWorker.js'),
        },
      },
    },
    plugins: [commandLineBuild()],
  },
  preload: {
    build: {
      // A sandboxed preload can only require Electron's renderer modules, events, timers and url: bundle the rest.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    build: { outDir: resolve('out/renderer'), rollupOptions: { input: resolve('renderer/index.html') } },
    plugins: [react()],
  },
});
