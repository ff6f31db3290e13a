import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import { SqliteRuleJobStore } from '../../../native/sqlite/sqliteRuleJobStore';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { removeDir, tempDir } from '../../helpers/media';

// Core's state lists, changed: the SQL stores must follow them, whatever the lists say.
vi.mock('../../../main/core/jobs/jobModel', async (original) => ({
  ...(await original<typeof import('../../../main/core/jobs/jobModel')>()),
  UNFINISHED_STATES: ['queued', 'running', 'committing', 'verifying'],
  BEFORE_COMMIT_STATES: ['queued', 'running', 'warming'],
}));

/** The SQL stores spell job states only through core's constants (jobs/jobModel.ts): one source per fact. */
describe('job state lists in the SQL stores', () => {
  let dir: string | undefined;
  let db: SqliteDatabase | undefined;
  afterEach(() => {
    db?.close();
    if (dir) removeDir(dir);
  });

  it('builds every state list of the queue store and of the rules\' view of it from the constants', () => {
    dir = tempDir('convertr-states-');
    db = openDatabase(path.join(dir, 'home'));
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as typeof db.prepare);
    const telemetry = new SqliteTelemetryStore(db);
    const store = new SqliteQueueStore(db, telemetry);
    new SqliteRuleJobStore(db, () => store.flush());

    const lists = statements.flatMap((sql) => [...sql.matchAll(/state\s+(?:NOT\s+)?IN\s*(\([^)]*\))/gi)].map((m) => m[1]!));
    const unfinished = "('queued', 'running', 'committing', 'verifying')";
    const beforeCommit = "('queued', 'running', 'warming')";
    expect(lists.filter((list) => list !== unfinished && list !== beforeCommit)).toEqual([]);
    expect(lists.filter((list) => list === unfinished).length).toBeGreaterThanOrEqual(6);
    // Recording a temporary file: once, in the one job table (batch-folder rules have no lifecycle of their own).
    expect(lists.filter((list) => list === beforeCommit)).toHaveLength(1);
  });
});
