import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RecoveryFileSystem } from '../main/core/jobs/jobModel.js';

/** The command line of a running process (Linux /proc), or undefined where it cannot be read. */
function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The pid still runs `command` (its program, or the program `setpriv` started for it). */
export function runsCommand(pid: number, command: string): boolean {
  const args = commandLineOf(pid);
  if (!args) return false;
  return args.some((arg) => path.basename(arg) === command);
}

export const nodeRecoveryFileSystem: RecoveryFileSystem = {
  exists: (file) => existsSync(file),
  sameFile: (a, b) => {
    try {
      const x = statSync(a);
      const y = statSync(b);
      return x.ino === y.ino && x.dev === y.dev;
    } catch {
      return false;
    }
  },
  remove: (file) => rmSync(file, { force: true }),
  removeTree: (folder) => rmSync(folder, { recursive: true, force: true }),
  stopOrphan: (pid, command) => {
    if (!isProcessAlive(pid) || !runsCommand(pid, command)) return;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended between the check and the signal.
    }
  },
};

/** Whether a process with this id is running (signal 0 only checks). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
