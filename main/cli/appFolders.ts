import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirectory } from '../core/dataDirectory.js';
import { checkWritableFolder, type ProtectedFolders } from '../shell/folderPolicy.js';

/**
 * The app's folder (the one holding package.json) and its built renderer, found by walking up from this
 * module: the built CLI runs from a chunk in out/main/cli-chunks, the sources from main/cli.
 */
export function locateApp(from: string = path.dirname(fileURLToPath(import.meta.url))): { root: string | null; renderer: string | null } {
  let root: string | null = null;
  let renderer: string | null = null;
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (!renderer && path.basename(dir) === 'out' && existsSync(path.join(dir, 'renderer', 'index.html'))) renderer = path.join(dir, 'renderer');
    if (!root && existsSync(path.join(dir, 'package.json'))) {
      root = dir;
      if (!renderer && existsSync(path.join(dir, 'out', 'renderer', 'index.html'))) renderer = path.join(dir, 'out', 'renderer');
    }
    if (root || path.dirname(dir) === dir) break;
  }
  return { root, renderer };
}

/** The app's own folders (its program, window files and data), which no command writes into. */
export function protectedFolders(env: NodeJS.ProcessEnv = process.env): ProtectedFolders {
  const app = locateApp();
  return { code: app.root, renderer: app.renderer, data: dataDirectory(env, process.platform, homedir()) };
}

/** A folder given to --out or --move-to: resolved from the current folder, refused (on its real path) inside the app's own folders. */
export function checkCommandFolder(flag: string, folder: string, env: NodeJS.ProcessEnv = process.env): string {
  return checkWritableFolder(`The folder given to ${flag}`, path.resolve(folder), protectedFolders(env));
}
