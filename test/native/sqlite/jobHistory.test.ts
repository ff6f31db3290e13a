import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FinishedRow } from '../../../main/core/app/jobHistory';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteJobHistoryStore } from '../../../native/sqlite/sqliteJobHistoryStore';
import { removeDir, tempDir } from '../../helpers/media';

function row(name: string, finishedAt: number, status: FinishedRow['status'] = 'succeeded'): FinishedRow {
  return {
    batchId: 1, input: `/in/${name}`, name, target: 'mp4', pair: 'MOV->MP4', mode: 'local', status,
    inputBytes: 12_400_000, outputBytes: 3_100_000, output: status === 'succeeded' ? `/in/${name}.mp4` : null, notes: [], error: null,
    finishedAt, preset: null, optionsSummary: '', options: null, inputFacts: { width: 1920, height: 1080, durationSeconds: 40 }, outputFacts: { width: 1280, height: 720, durationSeconds: 40 },
  };
}

describe('the window\'s finished rows in SQLite', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = tempDir('convertr-history-');
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  function reopen(): SqliteJobHistoryStore {
    db.close();
    db = openDatabase(dir);
    return new SqliteJobHistoryStore(db);
  }

  it('keeps rows across a reopen, oldest first, with their facts; a removed row and cleared rows stay gone', () => {
    const store = new SqliteJobHistoryStore(db);
    store.add('a', row('a.mov', 1000));
    store.add('c', row('c.mov', 3000, 'failed'));
    store.add('b', row('b.mov', 2000, 'skipped'));
    store.flush();
    let reopened = reopen();
    expect(reopened.list().map((r) => [r.key, r.row.status])).toEqual([['a', 'succeeded'], ['b', 'skipped'], ['c', 'failed']]);
    expect(reopened.list()[0]!.row).toEqual(row('a.mov', 1000));

    reopened.remove('b');
    reopened = reopen();
    expect(reopened.list().map((r) => r.key)).toEqual(['a', 'c']);

    expect(reopened.clear()).toBe(2);
    reopened = reopen();
    expect(reopened.list()).toEqual([]);
  });

  it('keeps the options a row\'s job converted with, beside the row', () => {
    const store = new SqliteJobHistoryStore(db);
    const options = { quality: 'small' as const, resize: 1024, maxSizeBytes: 8_000_000, stripMetadata: false, onConflict: 'keep-both' as const };
    store.add('a', { ...row('a.mov', 1000), preset: 'Email video, under 25 MB', options });
    store.flush();
    expect(db.prepare("SELECT options_json FROM job_history WHERE key = 'a'").get()).toEqual({ options_json: JSON.stringify(options) });
    expect(reopen().list()[0]!.row).toMatchObject({ preset: 'Email video, under 25 MB', options });
  });

  it('writes rows that end close together in one transaction, and before any read or delete', () => {
    const store = new SqliteJobHistoryStore(db);
    store.add('a', row('a.mov', 1000));
    expect(db.prepare('SELECT COUNT(*) AS n FROM job_history').get()).toEqual({ n: 0 });
    // A removal right after the end (the user removes a row that has just finished) finds it written.
    store.remove('a');
    expect(store.list()).toEqual([]);
    store.add('b', row('b.mov', 2000));
    expect(store.clear()).toBe(1);
  });

  it('skips a row that cannot be read back instead of hiding the others', () => {
    const store = new SqliteJobHistoryStore(db);
    store.add('a', row('a.mov', 1000));
    store.flush();
    db.prepare("INSERT INTO job_history (key, finished_at, row_json) VALUES ('bad', 500, '{not json')").run();
    expect(store.list().map((r) => r.key)).toEqual(['a']);
  });

  it('stays cheap with 10,000 rows: writing them and reading them back after a reopen', () => {
    const store = new SqliteJobHistoryStore(db);
    const startedWrite = performance.now();
    for (let i = 0; i < 10_000; i++) store.add(`k${i}`, row(`clip-${i}.mov`, 1_000_000 + i));
    store.flush();
    const writeMs = performance.now() - startedWrite;
    const reopened = reopen();
    const startedRead = performance.now();
    const rows = reopened.list();
    const readMs = performance.now() - startedRead;
    expect(rows).toHaveLength(10_000);
    expect(rows[9_999]!.row.name).toBe('clip-9999.mov');
    console.info(`history: 10,000 rows written in ${writeMs.toFixed(0)} ms, read back in ${readMs.toFixed(0)} ms`);
  });
});
