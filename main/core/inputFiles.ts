import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSupportedInputName } from './formats.js';
import { TEMPORARY_SUFFIX } from './outputFiles.js';

export interface ExpandedInputs {
  files: string[];
  /** Folders that held no file Convertr reads. */
  emptyFolders: string[];
}

async function walk(directory: string, into: string[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) await walk(full, into);
    else if (entry.isFile() && isSupportedInputName(entry.name) && !entry.name.endsWith(TEMPORARY_SUFFIX)) into.push(full);
  }
}

/**
 * Files stay as given (even with an unknown extension: the content decides); folders are walked
 * recursively for supported files, hidden entries skipped. A path that does not exist is kept so that
 * its job fails with a clear error instead of vanishing.
 */
export async function expandInputs(inputs: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const emptyFolders: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(input);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) {
      const found: string[] = [];
      await walk(absolute, found);
      if (found.length === 0) emptyFolders.push(absolute);
      files.push(...found);
    } else {
      files.push(absolute);
    }
  }
  return { files: [...new Set(files)], emptyFolders };
}

/** A file's size in bytes, or null when it cannot be read (the job will say why). */
export function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}
