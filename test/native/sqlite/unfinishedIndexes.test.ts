import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UNFINISHED_STATES } from '../../../main/core/jobs/jobModel';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { sqlStateList, UNFINISHED_SQL } from '../../../native/sqlite/jobStates';
import { removeDir, tempDir } from '../../helpers/media';

/** The partial indexes on unfinished jobs spell the same list as core's constant, so the stores' statements use them. */
describe('indexes of unfinished jobs', () => {
  let dir: string | undefined;
  let db: SqliteDatabase | undefined;
  afterEach(() => {
    db?.close();
    if (dir) removeDir(dir);
  });

  it('are on the list the stores query, and the queue\'s query uses it (rules\' jobs are in the same table)', () => {
    expect(UNFINISHED_SQL).toBe(sqlStateList(UNFINISHED_STATES));
    dir = tempDir('convertr-indexes-');
    db = openDatabase(path.join(dir, 'home'));
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE '%unfinished'").all() as { name: string; sql: string }[];
    expect(indexes.map((i) => i.name).sort()).toEqual(['queue_jobs_unfinished']);
    for (const index of indexes) expect(index.sql).toContain(`WHERE state IN ${UNFINISHED_SQL}`);
    const plan = (sql: string) => (db!.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan(`SELECT * FROM queue_jobs WHERE state IN ${UNFINISHED_SQL} ORDER BY id`)).toContain('queue_jobs_unfinished');
  });
});
