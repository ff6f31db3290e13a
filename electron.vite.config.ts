import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      // zod is bundled: resolving and reading its sixty files cost every command about 30 ms at start.
      externalizeDeps: { exclude: ['zod'] },
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('main/electron/main.ts'),
          cli: resolve('main/cli/index.ts'),
          heicDecodeWorker: resolve('native/heic/heicDecodeWorker.js'),
        },
      },
    },
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
