import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../main/core/errors.js';

/**
 * better-sqlite3 is not an N-API addon: Electron's main process needs a build for its own ABI. `npm start`
 * keeps that build beside the Node one (which the CLI and tests use), in a folder named after both versions,
 * so a new Electron or better-sqlite3 gets a new build and nothing overwrites the other.
 */
export interface ElectronBindingTarget {
  electronVersion: string;
  betterSqliteVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

export const ELECTRON_BINDINGS_FOLDER = path.join('node_modules', '.cache', 'convertr', 'electron-native');

export function electronSqliteBindingPath(appRoot: string, target: ElectronBindingTarget): string {
  const key = `better-sqlite3-${target.betterSqliteVersion}-electron-${target.electronVersion}-${target.platform}-${target.arch}`;
  return path.join(appRoot, ELECTRON_BINDINGS_FOLDER, key, 'better_sqlite3.node');
}

export function installedBetterSqliteVersion(): string {
  return (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
}

/**
 * The better-sqlite3 binding Electron's main process should load when run from a checkout: undefined under plain
 * Node and in a packaged app (electron-builder rebuilds the addon in place for Electron when packaging).
 */
export function electronSqliteBinding(appRoot: string, runtime: { electronVersion: string | undefined; packaged: boolean }): string | undefined {
  if (!runtime.electronVersion || runtime.packaged) return undefined;
  const binding = electronSqliteBindingPath(appRoot, {
    electronVersion: runtime.electronVersion,
    betterSqliteVersion: installedBetterSqliteVersion(),
    platform: process.platform,
    arch: process.arch,
  });
  if (!existsSync(binding)) {
    throw new AppError('TOOL_MISSING', `The database module has no build for Electron ${runtime.electronVersion} yet: start the app with \`npm start\`, which prepares it (${binding}).`);
  }
  return binding;
}
