import { existsSync, rmSync, statSync } from 'node:fs';
import type { RecoveryFileSystem } from '../main/core/queue/ports.js';

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
