import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p` with one system call per missing folder and no retries. Node's own recursive mkdir retries
 * forever on a parent that says it exists but refuses children (`/proc/nope`: ENOENT after EEXIST), and its
 * synchronous form then never lets a signal handler run. Here each component is tried once, from the
 * deepest existing one down; the first refusal is thrown as is.
 */
export function makeDirectories(directory: string, mode?: number): void {
  const absolute = path.resolve(directory);
  const missing: string[] = [];
  let probe = absolute;
  for (;;) {
    try {
      if (statSync(probe).isDirectory()) break;
      const error = new Error(`ENOTDIR: not a directory, mkdir '${probe}'`) as NodeJS.ErrnoException;
      error.code = 'ENOTDIR';
      throw error;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(probe);
    const parent = path.dirname(probe);
    // The root always exists; a parent equal to its child means there is nothing above to stat.
    if (parent === probe) break;
    probe = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a folder now.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw error;
    }
  }
}
