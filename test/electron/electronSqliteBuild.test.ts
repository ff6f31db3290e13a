import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../native/sqlite/openDatabase';
import { electronSqliteBinding, electronSqliteBindingPath, installedBetterSqliteVersion } from '../../native/sqlite/electronBinding';
import { prepareSqliteBinding } from '../../scripts/prepareElectronNative';
import { removeDir, tempDir } from '../helpers/media';

const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
const work = tempDir('convertr-native-');
afterAll(() => removeDir(work));

describe('the Electron build of better-sqlite3 is kept beside the Node one', () => {
  it('is chosen only under Electron from a checkout, and named after both versions', () => {
    expect(electronSqliteBinding(work, { electronVersion: undefined, packaged: false })).toBeUndefined();
    expect(electronSqliteBinding(work, { electronVersion: '45.5.0', packaged: true })).toBeUndefined();
    expect(() => electronSqliteBinding(work, { electronVersion: '45.5.0', packaged: false })).toThrow(/npm start/);
    const a = electronSqliteBindingPath(work, { electronVersion: '45.5.0', betterSqliteVersion: '12.9.0', platform: 'linux', arch: 'x64' });
    const b = electronSqliteBindingPath(work, { electronVersion: '46.0.0', betterSqliteVersion: '12.9.0', platform: 'linux', arch: 'x64' });
    const c = electronSqliteBindingPath(work, { electronVersion: '45.5.0', betterSqliteVersion: '12.10.0', platform: 'linux', arch: 'x64' });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(a.startsWith(path.join(work, 'node_modules'))).toBe(true);
  });

  // The same steps `npm start` runs for Electron (prebuilt, else compile), here for this Node's runtime, whose
  // headers need no network: it proves the build lands beside node_modules' own and that the database opens with it.
  it('builds in a scratch copy without touching the Node build, and the database opens through it', () => {
    const before = statSync(nodeBuild).mtimeMs;
    const destination = electronSqliteBindingPath(work, { electronVersion: 'test', betterSqliteVersion: installedBetterSqliteVersion(), platform: process.platform, arch: process.arch });
    const log: string[] = [];
    prepareSqliteBinding({ runtime: 'node', target: process.versions.node, destination, log: (line) => log.push(line) });
    expect(statSync(destination).size).toBeGreaterThan(100_000);
    expect(statSync(nodeBuild).mtimeMs).toBe(before);
    const db = openDatabase(path.join(work, 'data'), { nativeBinding: destination });
    expect((db.prepare('SELECT 41 + 1 AS answer').get() as { answer: number }).answer).toBe(42);
    db.close();
  }, 600_000);
});
