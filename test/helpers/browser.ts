import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { startBuiltCli } from './cli';

/** Debian's Chromium, headless, with the flags this closed network and running as root need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface ServedApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the installed command's `convertr serve` (bin/convertr.js: the build in out/, real engine, real SQLite)
 * and resolves with the URL it prints, token included.
 */
export function startServe(home: string, env: NodeJS.ProcessEnv = {}): Promise<ServedApp> {
  const { child } = startBuiltCli(['serve', '--port', '0'], { CONVERTR_HOME: home, ...env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convertr serve did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (\S+)\n/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        child,
        stop: () =>
          new Promise<void>((done) => {
            child.once('close', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`convertr serve exited with ${code}: ${stderr}`)));
  });
}
