import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSupportedInputName } from './formats.js';
import { TEMPORARY_SUFFIX } from './engine/run/outputFiles.js';
import { sortByFileName } from './fileNameOrder.js';

/** A file to convert; `subfolder` is where it was found below a folder given as input (null: named explicitly). */
export interface InputEntry {
  path: string;
  subfolder: string | null;
}

export interface ExpandedInputs {
  files: string[];
  entries: InputEntry[];
  /** Folders that held no file Convertr reads. */
  emptyFolders: string[];
  /** Files or sub-folders that could not be read; the rest goes on. */
  unreadable: { path: string; message: string }[];
}

async function walk(root: string, directory: string, into: InputEntry[], unreadable: ExpandedInputs['unreadable']): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    unreadable.push({ path: directory, message: `The folder ${directory} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` });
    return;
  }
  sortByFileName(entries, (entry) => entry.name);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) await walk(root, full, into, unreadable);
    else if (entry.isFile() && isSupportedInputName(entry.name) && !entry.name.endsWith(TEMPORARY_SUFFIX)) into.push({ path: full, subfolder: path.relative(root, directory) });
  }
}

/**
 * Files stay as given (even with an unknown extension: the content decides); folders are walked
 * recursively for supported files, hidden entries skipped, unreadable sub-folders reported. A path that
 * does not exist is kept so that its job fails with a clear error instead of vanishing.
 */
export async function expandInputs(inputs: readonly string[]): Promise<ExpandedInputs> {
  const entries: InputEntry[] = [];
  const emptyFolders: string[] = [];
  const unreadable: ExpandedInputs['unreadable'] = [];
  for (const input of inputs) {
    const absolute = path.resolve(input);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) {
      const before = entries.length;
      const unreadableBefore = unreadable.length;
      await walk(absolute, absolute, entries, unreadable);
      if (entries.length === before && unreadable.length === unreadableBefore) emptyFolders.push(absolute);
    } else {
      entries.push({ path: absolute, subfolder: null });
    }
  }
  const unique = new Map<string, InputEntry>();
  for (const entry of entries) if (!unique.has(entry.path) || entry.subfolder === null) unique.set(entry.path, entry);
  return { files: [...unique.keys()], entries: [...unique.values()], emptyFolders, unreadable };
}

/** A file's size in bytes, or null when it cannot be read (the job will say why). */
export function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}
