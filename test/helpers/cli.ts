import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A data folder of this test process's own: a test that names none never touches the user's real one
 * (~/.config/Convertr), nor one that another checkout's tests are migrating at the same time.
 */
export const TEST_HOME = mkdtempSync(path.join(tmpdir(), 'convertr-home-'));

/** Gathers a child's output until it closes. */
function collectOutput(child: ChildProcess): { child: ChildProcess; done: Promise<CliRun> } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Starts `convertr` from the sources in one Node process (tsx as a loader, so that signals reach the CLI itself). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: ROOT, env: { ...process.env, CONVERTR_HOME: TEST_HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collectOutput(child);
}

/** The same, as the unprivileged user `nobody` (root ignores file permissions, users do not). */
export function startCliAsNobody(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', 'main/cli/index.ts', ...args], {
    cwd: ROOT, env: { ...process.env, HOME: '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collectOutput(child);
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startCli(args, env).done;
}

export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The installed command itself: `node bin/convertr.js`, which runs the build in out/ (not the sources through tsx). */
export const BUILT_CLI = fileURLToPath(new URL('../../bin/convertr.js', import.meta.url));

export function startBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliRun> } {
  if (!existsSync(fileURLToPath(new URL('../../out/main/cli.cjs', import.meta.url)))) throw new Error('out/ is missing: run "npx electron-vite build" (npm test does) before these tests.');
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: ROOT, env: { ...process.env, CONVERTR_HOME: TEST_HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collectOutput(child);
}

export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startBuiltCli(args, env).done;
}
