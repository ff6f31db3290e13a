import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistentQueue } from '../../../main/core/queue/persistentQueue';
import { isProcessAlive, nodeRecoveryFileSystem } from '../../../native/queueFileSystem';
import { openDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { removeDir, tempDir } from '../../helpers/media';

/** A pid no process has (above Linux's default pid_max of 4194304). */
const DEAD_PID = 4_999_999;

describe('discarding an interrupted batch (real SQLite, real files)', () => {
  let dir: string;
  let db: Database.Database;
  let store: SqliteQueueStore;
  let queue: PersistentQueue;

  beforeEach(() => {
    dir = tempDir('convertr-discard-unit-');
    db = openDatabase(path.join(dir, 'home'));
    store = new SqliteQueueStore(db, new SqliteTelemetryStore(db));
    queue = new PersistentQueue({
      store, files: nodeRecoveryFileSystem, owner: { pid: process.pid, isProcessAlive, now: Date.now },
      wallClock: Date.now, leaseExpiry: () => Date.now() + 30_000, scratchRoot: path.join(dir, 'home', 'scratch'),
    });
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('keeps an output already renamed into place, removes the partial file and scratch folder, and leaves nothing to resume', () => {
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const key = 'd'.repeat(32);
    const jobs = store.addBatch(key, 'cli', ['a', 'b', 'c'].map((n) => ({ inputPath: path.join(dir, `${n}.wav`), target: 'mp3' as const, outputDir: out, cohort: null }))).jobs;
    // A process that died: a renamed its output before its bookkeeping, b was writing, c never started.
    const scratch = jobs.map((job) => path.join(dir, 'home', 'scratch', String(job.id)));
    store.claimAll(jobs.slice(0, 2).map((job, i) => ({ job, scratchDir: scratch[i]! })), DEAD_PID, Date.now() + 30_000);
    const report = { input: jobs[0]!.inputPath, output: path.join(out, 'a.mp3'), status: 'succeeded' as const, pair: 'WAV->MP3', mode: 'local' as const, runtimeMs: 5, billableMinutes: 1, error: null, notes: [] };
    store.start(jobs[0]!.id, DEAD_PID, path.join(out, '.a.1.convertr-part'));
    store.commit(jobs[0]!.id, DEAD_PID, path.join(out, 'a.mp3'), report);
    writeFileSync(path.join(out, 'a.mp3'), 'finished');
    store.start(jobs[1]!.id, DEAD_PID, path.join(out, '.b.1.convertr-part'));
    writeFileSync(path.join(out, '.b.1.convertr-part'), 'half');
    mkdirSync(scratch[1]!, { recursive: true });
    writeFileSync(path.join(scratch[1]!, 'pass1.log'), 'x');
    expect(queue.interruptedBatches('cli')).toMatchObject([{ batchKey: key, left: 3, files: jobs.map((j) => j.inputPath) }]);

    expect(queue.discard(key)).toEqual({ batches: 1, discarded: 2, kept: 1, partialFilesRemoved: 1 });

    expect(existsSync(path.join(out, 'a.mp3'))).toBe(true);
    expect(existsSync(path.join(out, '.b.1.convertr-part'))).toBe(false);
    expect(existsSync(scratch[1]!)).toBe(false);
    expect(store.batch(key).map((j) => j.state)).toEqual(['succeeded', 'cancelled', 'cancelled']);
    expect(queue.pendingBatches()).toEqual([]);
    expect(queue.recover()).toEqual({ requeued: 0, completed: 0, partialFilesRemoved: 0 });
    // Discarding is not a conversion: nothing in the stats.
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversions').get()).toEqual({ n: 0 });
  });

  it('resumes a batch submitted again while it has work left, and starts it anew once it has finished', () => {
    const spec = { inputs: [path.join(dir, 'a.wav'), path.join(dir, 'b.wav')], target: 'mp3' as const, outputDir: null, cohort: null, origin: 'cli' as const };
    const first = queue.submit(spec);
    expect(first.resumed).toBe(false);
    const again = queue.submit(spec);
    expect(again).toMatchObject({ batchKey: first.batchKey, resumed: true });
    expect(again.jobs.map((j) => j.id)).toEqual(first.jobs.map((j) => j.id));
    for (const job of first.jobs) {
      store.claimAll([{ job, scratchDir: path.join(dir, 'scratch') }], process.pid, Date.now() + 30_000);
      store.finish(job.id, process.pid, { input: job.inputPath, output: null, status: 'failed', pair: 'WAV->MP3', mode: 'local', runtimeMs: 1, billableMinutes: 0, error: { code: 'INPUT_CORRUPT', message: 'damaged' }, notes: [] }, null, null);
    }
    const anew = queue.submit(spec);
    expect(anew).toMatchObject({ batchKey: first.batchKey, resumed: false });
    expect(anew.jobs.map((j) => j.state)).toEqual(['queued', 'queued']);
  });
});
