import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobReport } from '../../../main/core/jobs/jobReport';
import type { ConversionRecord } from '../../../main/core/telemetry/ports';
import { validateWatchRule } from '../../../main/core/watch/watchRule';
import { migrate, openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { SqliteWatchLedger } from '../../../native/sqlite/sqliteWatchLedger';
import { SqliteWatchRuleStore } from '../../../native/sqlite/sqliteWatchRuleStore';
import { removeDir, tempDir } from '../../helpers/media';

const spec = validateWatchRule({ inputDir: '/in', target: 'jpg', outputDir: '/out' });
const hash = (c: string) => c.repeat(64);
const report: JobReport = { input: '/in/a.png', output: '/out/a.jpg', status: 'succeeded', pair: 'PNG->JPG', mode: 'local', runtimeMs: 5, billableMinutes: 0, error: null, notes: [] };
const record = (status: 'succeeded' | 'failed'): ConversionRecord => ({ finishedAt: Date.now(), pair: 'PNG->JPG', mode: 'local', status, errorCode: status === 'failed' ? 'INPUT_CORRUPT' : null, runtimeMs: 5, inputBytes: 1, outputBytes: null, billableMinutes: 0, cohort: null });

describe('SQLite watch rules and ledger', () => {
  let dir: string;
  let db: SqliteDatabase;
  let rules: SqliteWatchRuleStore;
  let ledger: SqliteWatchLedger;

  beforeEach(() => {
    dir = tempDir('convertr-watchstore-');
    db = openDatabase(dir);
    rules = new SqliteWatchRuleStore(db);
    ledger = new SqliteWatchLedger(db, new SqliteTelemetryStore(db));
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

  it('claims each content once per rule and recognises it by sighting or by hash', () => {
    const rule = rules.add(spec);
    const other = rules.add({ ...spec, target: 'webp' });
    const claimed = ledger.claim(rule.id, { path: '/in/a.png', size: 10, mtimeMs: 1.5, hash: hash('a') }, { pid: 42, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') })!;
    expect(claimed.state).toBe('queued');
    expect(ledger.claim(rule.id, { path: '/in/b.png', size: 10, mtimeMs: 2, hash: hash('a') }, { pid: 42, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') })).toBeUndefined();
    expect(ledger.claim(other.id, { path: '/in/a.png', size: 10, mtimeMs: 1.5, hash: hash('a') }, { pid: 42, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') })).toBeDefined();
    ledger.markRunning(claimed.id, 42, '/out/.a.123.convertr-part');
    expect(() => ledger.markCommitting(claimed.id, 43, '/out/a.jpg', report)).toThrow(/no longer this process/);
    ledger.markCommitting(claimed.id, 42, '/out/a.jpg', report);
    expect(ledger.unfinished(rule.id)).toMatchObject([{ state: 'committing', tempPath: '/out/.a.123.convertr-part', outputPath: '/out/a.jpg', report }]);
    ledger.succeed(claimed.id, '/out/a.jpg', report, record('succeeded'));
    expect(ledger.findBySighting(rule.id, '/in/a.png', 10, 1.5)?.state).toBe('succeeded');
    expect(ledger.findByHash(rule.id, hash('a'))?.outputPath).toBe('/out/a.jpg');
    expect(ledger.isOwnOutput(rule.id, '/out/a.jpg')).toBe(true);
    expect(ledger.unfinished(rule.id)).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM conversions').get()).toEqual({ n: 1 });
  });

  it('keeps failures with their reason until they are forgotten for a retry; reports activity per rule', () => {
    const rule = rules.add(spec);
    const bad = ledger.claim(rule.id, { path: '/in/bad.png', size: 3, mtimeMs: 1, hash: hash('b') }, { pid: 1, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') })!;
    ledger.fail(bad.id, { code: 'INPUT_CORRUPT', message: 'The image is damaged.' }, record('failed'));
    const good = ledger.claim(rule.id, { path: '/in/a.png', size: 3, mtimeMs: 1, hash: hash('c') }, { pid: 1, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') })!;
    ledger.succeed(good.id, '/out/a.jpg', report, record('succeeded'));
    const activity = ledger.activity(rule.id);
    expect(activity).toMatchObject({ converted: 1, failed: 1, inProgress: 0, failures: [{ path: '/in/bad.png', code: 'INPUT_CORRUPT', message: 'The image is damaged.' }] });
    expect(activity.lastActivityAt).toBeGreaterThan(0);
    expect(ledger.forgetFailures(rule.id, '/in/other.png')).toEqual([]);
    expect(ledger.forgetFailures(rule.id)).toEqual(['/in/bad.png']);
    expect(ledger.activity(rule.id).failed).toBe(0);
  });

  it('removing a rule removes its ledger', () => {
    const rule = rules.add(spec);
    ledger.claim(rule.id, { path: '/in/a.png', size: 1, mtimeMs: 1, hash: hash('d') }, { pid: 1, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch') });
    rules.remove(rule.id);
    expect(db.prepare('SELECT COUNT(*) AS n FROM watch_ledger').get()).toEqual({ n: 0 });
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
