import { readdir } from 'node:fs/promises';
import { sortByFileName } from '../fileNameOrder.js';
import path from 'node:path';
import { isSameOrInside } from './folderRelations.js';

/** Files under a folder (one level unless recursive), skipping hidden entries and the given folders. */
export async function scanFolder(root: string, recursive: boolean, skipFolders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    sortByFileName(entries, (entry) => entry.name);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (recursive && !skipFolders.some((skip) => isSameOrInside(full, skip))) await walk(full);
      } else if (entry.isFile()) {
        found.push(full);
      }
    }
  };
  await walk(root);
  return found;
}
