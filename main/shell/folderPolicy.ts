import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { AppError } from '../core/errors.js';
import { realFolderPath } from '../core/fileIdentity.js';
import { isSameOrInside } from '../core/watch/folderRelations.js';

/** Folders the window must never write into: the app's own code, its renderer (served without a token by `convertr serve`) and its data. */
export interface ProtectedFolders {
  code: string | null;
  renderer: string | null;
  data: string;
}

const WHAT: Record<keyof ProtectedFolders, string> = { code: "Convertr's own program folder", renderer: "Convertr's window files", data: "Convertr's data folder" };

/**
 * Checks a folder the user typed for outputs or moved originals: an absolute path, outside the app's
 * own folders, decided on the real paths (symlinks resolved; a folder not created yet by its nearest
 * existing one). `label` names the field in the message ("The output folder").
 */
export function checkWritableFolder(label: string, folder: string, protectedFolders: ProtectedFolders): string {
  const trimmed = folder.trim();
  if (trimmed === '') throw new AppError('USAGE', `${label} is empty: type a full path such as ${example()}.`);
  if (!path.isAbsolute(trimmed)) throw new AppError('USAGE', `${label} must be a full path such as ${example()}, not “${trimmed}”.`);
  const resolved = path.resolve(trimmed);
  const real = realFolderPath(resolved);
  for (const key of ['renderer', 'data', 'code'] as const) {
    const own = protectedFolders[key];
    if (own && isSameOrInside(real, realFolderPath(own))) {
      const via = real === resolved ? '' : ` (through a link, it is ${real})`;
      throw new AppError('USAGE', `${label} ${resolved}${via} is inside ${WHAT[key]} (${own}); choose a folder of your own.`);
    }
  }
  return resolved;
}

/** The folder to watch must exist now; otherwise the rule would be shown as watching nothing. */
export function checkExistingFolder(label: string, folder: string): string {
  const trimmed = folder.trim();
  if (!path.isAbsolute(trimmed)) throw new AppError('USAGE', `${label} must be a full path such as ${example()}, not “${trimmed}”.`);
  const resolved = path.resolve(trimmed);
  let isFolder = false;
  try {
    isFolder = statSync(resolved).isDirectory();
  } catch {
    throw new AppError('INPUT_NOT_FOUND', `${label} ${resolved} does not exist; create it first or check the spelling.`);
  }
  if (!isFolder) throw new AppError('USAGE', `${label} ${resolved} is a file, not a folder.`);
  return resolved;
}

function example(): string {
  return path.join(homedir(), 'Videos');
}
