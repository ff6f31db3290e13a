import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobReport } from '../../../main/core/jobs/jobReport';
import type { ConversionRecord } from '../../../main/core/telemetry/ports';
import { validateWatchRule } from '../../../main/core/watch/watchRule';
import { migrate, openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import type { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import type { SqliteRuleJobStore } from '../../../native/sqlite/sqliteRuleJobStore';
import { SqliteWatchRuleStore } from '../../../native/sqlite/sqliteWatchRuleStore';
import { removeDir, tempDir } from '../../helpers/media';
import { addRuleJob, failedReport, ruleJobStores } from '../../helpers/ruleJobs';

const spec = validateWatchRule({ inputDir: '/in', target: 'jpg', outputDir: '/out' });
const hash = (c: string) => c.repeat(64);
const report: JobReport = { input: '/in/a.png', output: '/out/a.jpg', status: 'succeeded', pair: 'PNG->JPG', mode: 'local', runtimeMs: 5, billableMinutes: 0, error: null, notes: [] };
const record = (status: 'succeeded' | 'failed'): ConversionRecord => ({ finishedAt: Date.now(), pair: 'PNG->JPG', mode: 'local', status, errorCode: status === 'failed' ? 'INPUT_CORRUPT' : null, runtimeMs: 5, inputBytes: 1, outputBytes: null, billableMinutes: 0, cohort: null });

describe('SQLite watch rules and their jobs in the one job table', () => {
  let dir: string;
  let db: SqliteDatabase;
  let rules: SqliteWatchRuleStore;
  let jobs: SqliteRuleJobStore;
  let queue: SqliteQueueStore;

  beforeEach(() => {
    dir = tempDir('convertr-watchstore-');
    db = openDatabase(dir);
    rules = new SqliteWatchRuleStore(db);
    ({ ruleJobs: jobs, queueStore: queue } = ruleJobStores(db));
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('adds, lists, updates, pauses and removes rules, validating every write', () => {
    const rule = rules.add(spec);
    expect(rules.list()).toEqual([rule]);
    expect(rules.update(rule.id, { ...spec, target: 'png' }).target).toBe('png');
    expect(rules.setEnabled(rule.id, false).enabled).toBe(false);
    expect(rules.get(rule.id)?.enabled).toBe(false);
    expect(() => rules.add({ ...spec, outputDir: '/in' })).toThrow(/outputs would be converted again/);
    expect(() => rules.update(999, spec)).toThrow(/no watch rule #999/);
    expect(rules.remove(rule.id)).toBe(true);
    expect(rules.list()).toEqual([]);
  });

  it('adds each content once per rule as a claimed job of its batch, and recognises it by sighting or by hash', () => {
    const rule = rules.add(spec);
    const other = rules.add({ ...spec, target: 'webp' });
    const claimed = addRuleJob(jobs, rule.id, { path: '/in/a.png', size: 10, mtimeMs: 1.5, hash: hash('a') }, 42);
    expect(claimed).toMatchObject({ state: 'queued', ownerPid: 42, batchKey: `rule:${rule.id}` });
    expect(queue.batchInfo(`rule:${rule.id}`)).toMatchObject({ origin: 'rule', ruleId: rule.id });
    expect(() => addRuleJob(jobs, rule.id, { path: '/in/b.png', size: 10, mtimeMs: 2, hash: hash('a') }, 42)).toThrow(/already has a job/);
    expect(addRuleJob(jobs, other.id, { path: '/in/a.png', size: 10, mtimeMs: 1.5, hash: hash('a') }, 42)).toBeDefined();
    queue.start(claimed.id, 42, '/out/.a.123.convertr-part');
    expect(() => queue.commit(claimed.id, 43, '/out/a.jpg', report)).toThrow(/no longer this process/);
    queue.commit(claimed.id, 42, '/out/a.jpg', report);
    expect(jobs.findByHash(rule.id, hash('a'))?.state).toBe('unfinished');
    expect(jobs.activity(rule.id)).toEqual({ lastActivityAt: null, converted: 0, failed: 0, inProgress: 1, failures: [] });
    expect(queue.unfinished().filter((j) => j.id === claimed.id)).toMatchObject([{ state: 'committing', tempPath: '/out/.a.123.convertr-part', outputPath: '/out/a.jpg', report }]);
    expect(queue.finish(claimed.id, 42, report, record('succeeded'), null)).toBe(true);
    expect(jobs.findBySighting(rule.id, '/in/a.png', 10, 1.5)?.state).toBe('done');
    expect(jobs.findByHash(rule.id, hash('a'))).toEqual({ id: claimed.id, state: 'done' });
    expect(jobs.isOwnOutput(rule.id, '/out/a.jpg')).toBe(true);
    expect(jobs.isOwnOutput(other.id, '/out/a.jpg')).toBe(false);
    expect(jobs.activity(rule.id)).toMatchObject({ converted: 1, failed: 0, inProgress: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversions').get()).toEqual({ n: 1 });
    // A rule's batch is its memory: finished long ago, it is not forgotten as other finished batches are.
    queue.removeFinishedBatches(Date.now() + 60_000);
    expect(jobs.findByHash(rule.id, hash('a'))?.state).toBe('done');
  });

  it('keeps failures with their reason until they are forgotten for a retry; reports activity per rule', () => {
    const rule = rules.add(spec);
    const bad = addRuleJob(jobs, rule.id, { path: '/in/bad.png', size: 3, mtimeMs: 1, hash: hash('b') });
    queue.finish(bad.id, 1, failedReport('/in/bad.png'), record('failed'), null);
    const good = addRuleJob(jobs, rule.id, { path: '/in/a.png', size: 3, mtimeMs: 1, hash: hash('c') });
    queue.finish(good.id, 1, report, record('succeeded'), null);
    const activity = jobs.activity(rule.id);
    expect(activity).toMatchObject({ converted: 1, failed: 1, inProgress: 0, failures: [{ path: '/in/bad.png', code: 'INPUT_CORRUPT', message: 'The image is damaged.' }] });
    expect(activity.lastActivityAt).toBeGreaterThan(0);
    expect(jobs.forgetFailures(rule.id, '/in/other.png')).toEqual([]);
    expect(jobs.forgetFailures(rule.id)).toEqual(['/in/bad.png']);
    expect(jobs.activity(rule.id).failed).toBe(0);
  });

  it('removing a rule removes its batch and its jobs', () => {
    const rule = rules.add(spec);
    addRuleJob(jobs, rule.id, { path: '/in/a.png', size: 1, mtimeMs: 1, hash: hash('d') });
    rules.remove(rule.id);
    expect(db.prepare('SELECT COUNT(*) AS n FROM queue_jobs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM queue_batches').get()).toEqual({ n: 0 });
  });

  it('migrates a version-2 database without touching its queue or telemetry', () => {
    const old = new Database(path.join(dir, 'old.db'));
    migrate(old, MIGRATIONS.filter((m) => m.version <= 2));
    old.prepare("INSERT INTO queue_jobs (batch_key, position, input_path, target, state, created_at, updated_at) VALUES ('k', 0, '/a', 'mp4', 'queued', 1, 1)").run();
    expect(migrate(old)).toBe(MIGRATIONS.filter((m) => m.version > 2).length);
    expect(old.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(old.prepare('SELECT COUNT(*) AS n FROM queue_jobs').get()).toEqual({ n: 1 });
    old.close();
  });
});
