import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobIds } from '../../../main/core/jobs/jobIds';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteJobIdBlocks } from '../../../native/sqlite/sqliteJobIdBlocks';
import { removeDir, tempDir } from '../../helpers/media';

/** Job ids reserved on one data folder: two apps open at once and a reopen never hand out the same id. */
describe('job ids on a data folder', () => {
  let dir: string | undefined;
  const open: SqliteDatabase[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    if (dir) removeDir(dir);
  });

  it('gives two connections at once, and a reopen, ids of their own', () => {
    dir = tempDir('convertr-jobids-');
    const home = path.join(dir, 'home');
    const connect = () => {
      const db = openDatabase(home);
      open.push(db);
      return new JobIds(new SqliteJobIdBlocks(db), 4);
    };
    const a = connect();
    const b = connect();
    const handed: number[] = [];
    for (let i = 0; i < 10; i++) handed.push(a.next(), b.next());
    for (const db of open.splice(0)) db.close();
    const reopened = connect();
    for (let i = 0; i < 5; i++) handed.push(reopened.next());
    expect(new Set(handed).size).toBe(handed.length);
    expect(handed.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
  });
});
