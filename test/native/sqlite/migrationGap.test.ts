import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../native/sqlite/openDatabase';
import type { Migration } from '../../../native/sqlite/migrations';
import { removeDir, tempDir } from '../../helpers/media';

describe('migrate', () => {
  const dir = tempDir('convertr-migrate-');
  afterAll(() => removeDir(dir));
  const table = (version: number): Migration => ({ version, name: `t${version}`, sql: `CREATE TABLE t${version} (x INTEGER);` });

  it('applies a migration numbered below one already applied (branches merged in another order)', () => {
    const db = new Database(path.join(dir, 'gap.db'));
    expect(migrate(db, [table(1), table(2), table(3), table(6)])).toBe(4);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(migrate(db, [table(1), table(2), table(3), table(4), table(5), table(6)])).toBe(2);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 't*'").all() as { name: string }[]).map((r) => r.name).sort();
    expect(tables).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    db.close();
  });

  it('counts every version up to user_version as applied in a database from before the tracking table', () => {
    const db = new Database(path.join(dir, 'old.db'));
    db.exec('CREATE TABLE t1 (x INTEGER); CREATE TABLE t2 (x INTEGER);');
    db.pragma('user_version = 2');
    expect(migrate(db, [table(1), table(2), table(3)])).toBe(1);
    db.close();
  });
});
