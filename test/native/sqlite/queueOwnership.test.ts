import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistentQueue } from '../../../main/core/queue/persistentQueue';
import { migrate, openDatabase } from '../../../native/sqlite/openDatabase';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { removeDir, tempDir } from '../../helpers/media';

const report = { input: '/in/a.wav', output: '/out/a.mp3', status: 'succeeded' as const, pair: 'WAV->MP3', mode: 'local' as const, runtimeMs: 5, billableMinutes: 1, error: null, notes: [] };
const record = { finishedAt: Date.now(), pair: 'WAV->MP3', mode: 'local' as const, status: 'succeeded' as const, errorCode: null, runtimeMs: 5, inputBytes: 1, outputBytes: 1, billableMinutes: 1, cohort: null };

describe('queue ownership in SQLite (two connections, as two processes have)', () => {
  let dir: string;
  let a: SqliteQueueStore;
  let b: SqliteQueueStore;
  let dbs: Database.Database[];
  beforeEach(() => {
    dir = tempDir('convertr-owner-');
    dbs = [openDatabase(dir), openDatabase(dir)];
    a = new SqliteQueueStore(dbs[0]!, new SqliteTelemetryStore(dbs[0]!));
    b = new SqliteQueueStore(dbs[1]!, new SqliteTelemetryStore(dbs[1]!));
  });
  afterEach(() => {
    dbs.forEach((db) => db.close());
    removeDir(dir);
  });

  it('adds a batch once when two processes submit it at once, and lets exactly one claim each job', () => {
    const first = a.addBatch('k'.repeat(32), 'cli', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]);
    const second = b.addBatch('k'.repeat(32), 'cli', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.jobs).toHaveLength(1);
    const seenByA = a.batch('k'.repeat(32))[0]!;
    const seenByB = b.batch('k'.repeat(32))[0]!;
    expect(a.claim(seenByA, 100, Date.now() + 30_000, '/scratch/a')).toBe(true);
    expect(b.claim(seenByB, 200, Date.now() + 30_000, '/scratch/b')).toBe(false);
    expect(b.batch('k'.repeat(32))[0]).toMatchObject({ ownerPid: 100, scratchDir: '/scratch/a' });
  });

  it('claims a whole batch in one transaction, and of two processes claiming it at once each job has exactly one owner', () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ inputPath: `/in/${i}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }));
    a.addBatch('m'.repeat(32), 'cli', inputs);
    const seenByA = a.batch('m'.repeat(32));
    const seenByB = b.batch('m'.repeat(32));
    b.claim(seenByB[7]!, 200, Date.now() + 30_000, '/scratch/b7');
    const wonByA = a.claimAll(seenByA.map((job) => ({ job, scratchDir: `/scratch/a${job.id}` })), 100, Date.now() + 30_000);
    const wonByB = b.claimAll(seenByB.map((job) => ({ job, scratchDir: `/scratch/b${job.id}` })), 200, Date.now() + 30_000);
    expect(wonByA.filter(Boolean)).toHaveLength(49);
    expect(wonByA[7]).toBe(false);
    expect(wonByB.filter(Boolean)).toHaveLength(0);
    expect(a.batch('m'.repeat(32)).map((j) => j.ownerPid)).toEqual(seenByA.map((_, i) => (i === 7 ? 200 : 100)));
    expect(a.claimAll([], 100, Date.now())).toEqual([]);
  });

  it('finishes a job once: a second finish (another owner, or twice) writes no second telemetry row', () => {
    const [job] = a.addBatch('f'.repeat(32), 'window', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]).jobs;
    a.claim(job!, 100, Date.now() + 30_000, '/scratch/a');
    expect(b.finish(job!.id, 200, report, record, null)).toBe(false);
    expect(a.finish(job!.id, 100, report, record, null)).toBe(true);
    expect(a.finish(job!.id, 100, report, record, null)).toBe(false);
    expect(dbs[0]!.prepare('SELECT COUNT(*) AS n FROM conversions').get()).toEqual({ n: 1 });
  });

  it('a job ended with deferred finish is written by its timer or the flush, once, and stays committing until then (another job\'s step does not carry it)', async () => {
    const jobs = a.addBatch('s'.repeat(32), 'cli', ['a', 'b'].map((n) => ({ inputPath: `/in/${n}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }))).jobs;
    a.claimAll(jobs.map((job) => ({ job, scratchDir: `/scratch/${job.id}` })), 100, Date.now() + 30_000);
    a.start(jobs[0]!.id, 100, '/out/.a.1.convertr-part');
    a.commit(jobs[0]!.id, 100, '/out/a.mp3', report);
    a.finish(jobs[0]!.id, 100, report, record, null);
    const count = () => dbs[1]!.prepare('SELECT COUNT(*) AS n FROM conversions').get();
    expect(b.batch('s'.repeat(32))[0]).toMatchObject({ state: 'committing', report });
    expect(count()).toEqual({ n: 0 });
    a.start(jobs[1]!.id, 100, '/out/.b.1.convertr-part');
    expect(b.batch('s'.repeat(32)).map((j) => j.state)).toEqual(['committing', 'running']);
    expect(count()).toEqual({ n: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.batch('s'.repeat(32)).map((j) => j.state)).toEqual(['succeeded', 'running']);
    expect(count()).toEqual({ n: 1 });
    a.finish(jobs[1]!.id, 100, { ...report, input: '/in/b.wav' }, record, null);
    a.finish(jobs[1]!.id, 100, { ...report, input: '/in/b.wav' }, record, null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.batch('s'.repeat(32)).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(count()).toEqual({ n: 2 });
    a.flush();
    expect(count()).toEqual({ n: 2 });
  });

  it('a temporary name recorded with the claim: the start rides on the next write, and a crash before it still has that file removed', async () => {
    const jobs = a.addBatch('t'.repeat(32), 'cli', ['a', 'b', 'c'].map((n) => ({ inputPath: `/in/${n}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }))).jobs;
    a.claimAll(jobs.map((job) => ({ job, scratchDir: `/scratch/${job.id}`, tempPath: `/out/.${job.id}.1.convertr-part` })), 100, Date.now() + 30_000);
    expect(b.batch('t'.repeat(32)).map((j) => [j.state, j.tempPath])).toEqual(jobs.map((j) => ['queued', `/out/.${j.id}.1.convertr-part`]));
    a.start(jobs[0]!.id, 100, null);
    expect(b.batch('t'.repeat(32))[0]!.state).toBe('queued');
    a.commit(jobs[1]!.id, 100, '/out/b.mp3', report);
    expect(b.batch('t'.repeat(32)).map((j) => j.state)).toEqual(['running', 'committing', 'queued']);
    a.start(jobs[2]!.id, 100, null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.batch('t'.repeat(32))[2]!.state).toBe('running');
    // A start never overwrites a later state that was written first.
    a.start(jobs[1]!.id, 100, null);
    a.flush();
    expect(b.batch('t'.repeat(32))[1]!.state).toBe('committing');

    // Owner 100 dies with job c claimed but not yet started in the database, its temporary file half-written.
    const [late] = a.addBatch('u'.repeat(32), 'cli', [{ inputPath: '/in/d.wav', target: 'mp3', outputDir: null, cohort: null }]).jobs;
    a.claimAll([{ job: late!, scratchDir: '/scratch/d', tempPath: '/out/.d.1.convertr-part' }], 100, Date.now() + 30_000);
    const removed: string[] = [];
    const files = { exists: (f: string) => f === '/out/.d.1.convertr-part' && !removed.includes(f), sameFile: () => false, remove: (f: string) => void removed.push(f), removeTree: () => {}, stopOrphan: () => {} };
    const queue = new PersistentQueue({ store: b, files, owner: { pid: 200, isProcessAlive: () => false, now: Date.now }, wallClock: Date.now, leaseExpiry: () => Date.now() + 30_000, scratchRoot: '/scratch' });
    const recovered = queue.recover();
    expect(removed).toEqual(['/out/.d.1.convertr-part']);
    expect(recovered.partialFilesRemoved).toBe(1);
    expect(b.batch('u'.repeat(32))[0]).toMatchObject({ state: 'queued', ownerPid: null, tempPath: null });
  });

  it('a requeue or an end drops the start still waiting to be written: when the timer fires the job stays queued with no owner', () => {
    let fire: (() => void) | undefined;
    const timer = { schedule: (flush: () => void) => ((fire = flush), { cancel: () => (fire = undefined) }), soon: () => ({ cancel: () => {} }) };
    const c = new SqliteQueueStore(dbs[0]!, new SqliteTelemetryStore(dbs[0]!), Date.now, timer);
    const jobs = c.addBatch('r'.repeat(32), 'cli', ['a', 'b'].map((n) => ({ inputPath: `/in/${n}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }))).jobs;
    c.claimAll(jobs.map((job) => ({ job, scratchDir: `/scratch/${job.id}`, tempPath: `/out/.${job.id}.1.convertr-part` })), 100, Date.now() + 30_000);
    c.start(jobs[0]!.id, 100, null);
    c.start(jobs[1]!.id, 100, null);
    expect(c.requeue(jobs[0]!.id, 100)).toBe(true);
    c.finish(jobs[1]!.id, 100, { ...report, status: 'cancelled', output: null }, null, null);
    fire?.();
    c.flush();
    expect(b.batch('r'.repeat(32)).map((j) => [j.state, j.ownerPid])).toEqual([['queued', null], ['cancelled', 100]]);
  });

  it('the end of a committed job waits (the test holds the clock) while others are at work, and quitting flushes it once', () => {
    const timer = { schedule: () => ({ cancel: () => {} }), soon: () => ({ cancel: () => {} }) };
    const c = new SqliteQueueStore(dbs[0]!, new SqliteTelemetryStore(dbs[0]!), Date.now, timer);
    const jobs = c.addBatch('q'.repeat(32), 'cli', ['a', 'b'].map((n) => ({ inputPath: `/in/${n}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }))).jobs;
    c.claimAll(jobs.map((job) => ({ job, scratchDir: `/scratch/${job.id}` })), 100, Date.now() + 30_000);
    c.start(jobs[0]!.id, 100, '/out/.a.1.convertr-part');
    c.commit(jobs[0]!.id, 100, '/out/a.mp3', report);
    expect(c.finish(jobs[0]!.id, 100, report, record, null)).toBe(true);
    const count = () => dbs[1]!.prepare('SELECT COUNT(*) AS n FROM conversions').get();
    expect(b.batch('q'.repeat(32))[0]).toMatchObject({ state: 'committing' });
    expect(count()).toEqual({ n: 0 });
    c.flush();
    c.flush();
    expect(b.batch('q'.repeat(32))[0]).toMatchObject({ state: 'succeeded', ownerPid: 100 });
    expect(count()).toEqual({ n: 1 });
  });

  it('every change of state is guarded by the owner it expects: another process can neither start, commit, nor requeue a job it does not hold', () => {
    const [job] = a.addBatch('g'.repeat(32), 'cli', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]).jobs;
    a.claim(job!, 100, Date.now() + 30_000, '/scratch/a');
    expect(() => b.start(job!.id, 200, '/out/.a.2.convertr-part')).toThrow(/no longer this process/);
    expect(() => b.commit(job!.id, 200, '/out/a.mp3', report)).toThrow(/no longer this process/);
    expect(b.requeue(job!.id, 200)).toBe(false);
    b.markChild(job!.id, 200, { pid: 4242, command: 'ffmpeg' });
    expect(a.batch('g'.repeat(32))[0]).toMatchObject({ state: 'queued', ownerPid: 100, tempPath: null, childPid: null });
    a.start(job!.id, 100, '/out/.a.1.convertr-part');
    a.commit(job!.id, 100, '/out/a.mp3', report);
    // A committed job cannot go back to running.
    expect(() => a.start(job!.id, 100, '/out/.a.3.convertr-part')).toThrow(/no longer this process/);
    expect(b.batch('g'.repeat(32))[0]).toMatchObject({ state: 'committing', tempPath: '/out/.a.1.convertr-part' });
  });

  it('commits of jobs finishing together share one transaction; one no longer this process\'s fails alone, its companion write undone', async () => {
    const jobs = a.addBatch('g'.repeat(32), 'cli', ['a', 'b', 'c'].map((n) => ({ inputPath: `/in/${n}.wav`, target: 'mp3' as const, outputDir: null, cohort: null }))).jobs;
    a.claimAll(jobs.map((job) => ({ job, scratchDir: `/scratch/${job.id}`, tempPath: `/out/.${job.id}.1.convertr-part` })), 100, Date.now() + 30_000);
    // Another process took the second job over (its owner seemed dead).
    dbs[1]!.prepare('UPDATE queue_jobs SET owner_pid = 200 WHERE id = ?').run(jobs[1]!.id);
    dbs[0]!.exec('CREATE TABLE companion (job INTEGER)');
    const companion = (id: number) => () => dbs[0]!.prepare('INSERT INTO companion (job) VALUES (?)').run(id);
    // The outermost transactions this process's connection runs (inner ones are savepoints).
    let transactions = 0;
    let depth = 0;
    const transaction = dbs[0]!.transaction.bind(dbs[0]!);
    dbs[0]!.transaction = ((fn: (...args: unknown[]) => unknown) => transaction((...args: unknown[]) => {
      if (depth++ === 0) transactions++;
      try {
        return fn(...args);
      } finally {
        depth--;
      }
    })) as typeof dbs[0]['transaction'];
    const outcomes = await Promise.allSettled(jobs.map((job, i) => a.commitTogether(job.id, 100, `/out/${'abc'[i]}.mp3`, report, companion(job.id))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/no longer this process/) });
    expect(b.batch('g'.repeat(32)).map((j) => [j.state, j.outputPath])).toEqual([['committing', '/out/a.mp3'], ['queued', null], ['committing', '/out/c.mp3']]);
    expect(dbs[1]!.prepare('SELECT job FROM companion ORDER BY job').pluck().all()).toEqual([jobs[0]!.id, jobs[2]!.id]);
    expect(transactions).toBe(1);
  });

  it('a commit waiting for company is written at once when the store flushes (quit)', async () => {
    const [job] = a.addBatch('q'.repeat(32), 'cli', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]).jobs;
    a.claim(job!, 100, Date.now() + 30_000, '/scratch/a');
    let written = false;
    const waiting = a.commitTogether(job!.id, 100, '/out/a.mp3', report).then(() => (written = true));
    expect(b.batch('q'.repeat(32))[0]!.state).toBe('queued');
    a.flush();
    expect(b.batch('q'.repeat(32))[0]).toMatchObject({ state: 'committing', outputPath: '/out/a.mp3' });
    await waiting;
    expect(written).toBe(true);
  });

  it('another process takes over a job only once its owner is dead or its lease has run out', () => {
    const [job] = a.addBatch('e'.repeat(32), 'cli', [{ inputPath: '/in/a.wav', target: 'mp3', outputDir: null, cohort: null }]).jobs;
    let now = 1_000_000;
    a.claim(job!, 100, now + 30_000, '/scratch/a');
    a.start(job!.id, 100, '/out/.a.1.convertr-part');
    const files = { exists: () => false, sameFile: () => false, remove: () => {}, removeTree: () => {}, stopOrphan: () => {} };
    const queue = new PersistentQueue({ store: b, files, owner: { pid: 200, isProcessAlive: (pid) => pid === 100, now: () => now }, wallClock: () => now, leaseExpiry: () => now + 30_000, scratchRoot: '/scratch' });
    expect(queue.recover().requeued).toBe(0);
    expect(b.batch('e'.repeat(32))[0]).toMatchObject({ state: 'running', ownerPid: 100 });
    now += 31_000;
    expect(queue.recover().requeued).toBe(1);
    expect(b.batch('e'.repeat(32))[0]).toMatchObject({ state: 'queued', ownerPid: null });
  });
});

describe('migration 4', () => {
  it('keeps a version-3 queue: finished jobs get their outcome, every batch an origin', () => {
    const dir = tempDir('convertr-mig4-');
    try {
      const db = new Database(path.join(dir, 'old.db'));
      migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
      const insert = db.prepare('INSERT INTO queue_jobs (batch_key, position, input_path, target, state, result_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 1)');
      insert.run('k', 0, '/a', 'mp3', 'done', JSON.stringify({ ...report, status: 'failed' }));
      insert.run('k', 1, '/b', 'mp3', 'queued', null);
      migrate(db);
      expect(db.prepare('SELECT input_path, state FROM queue_jobs ORDER BY position').all()).toEqual([{ input_path: '/a', state: 'failed' }, { input_path: '/b', state: 'queued' }]);
      expect(db.prepare('SELECT batch_key, origin, stopped_by_user FROM queue_batches').all()).toEqual([{ batch_key: 'k', origin: 'cli', stopped_by_user: 0 }]);
      db.close();
    } finally {
      removeDir(dir);
    }
  });
});
