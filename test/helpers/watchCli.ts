import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, type CliRun } from './cli';

export interface WatchProcess {
  child: ChildProcess;
  done: Promise<CliRun>;
  /** stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `convertr watch` (through test/cli/watchEntry.ts) in one Node process, so that signals reach it. */
export function startWatch(args: string[], env: NodeJS.ProcessEnv): WatchProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/cli/watchEntry.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Polls until the condition holds; fails with the description after the timeout. */
export async function waitFor(condition: () => boolean | Promise<boolean>, description: string, timeoutMs = 60_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
