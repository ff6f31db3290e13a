import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchRule } from '../../../main/core/watch/watchRule';
import { WatchService, type RuleRunner } from '../../../main/core/watch/watchService';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import type { SqliteRuleJobStore } from '../../../native/sqlite/sqliteRuleJobStore';
import type { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import { SqliteWatchRuleStore } from '../../../native/sqlite/sqliteWatchRuleStore';
import { removeDir, tempDir } from '../../helpers/media';
import { addRuleJob, failedReport, ruleJobStores } from '../../helpers/ruleJobs';

class FakeRunner implements RuleRunner {
  running = false;
  retried: (string | undefined)[] = [];
  constructor(readonly rule: WatchRule) {}
  async start() {
    this.running = true;
  }
  async stop() {
    this.running = false;
  }
  retry(file?: string) {
    this.retried.push(file);
    return 1;
  }
}

describe('watch service (real rule store, fake runners)', () => {
  let dir: string;
  let db: SqliteDatabase;
  let runners: FakeRunner[];
  let service: WatchService;
  let jobs: SqliteRuleJobStore;
  let queueStore: SqliteQueueStore;
  const input = { inputDir: '/in', target: 'jpg', outputDir: '/out' };

  beforeEach(() => {
    dir = tempDir('convertr-watchsvc-');
    db = openDatabase(dir);
    runners = [];
    ({ ruleJobs: jobs, queueStore } = ruleJobStores(db));
    service = new WatchService({ rules: new SqliteWatchRuleStore(db), jobs, createRunner: (rule) => {
      const runner = new FakeRunner(rule);
      runners.push(runner);
      return runner;
    } });
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('runs enabled rules only, stops a paused rule and restarts an edited one', async () => {
    const a = await service.add(input);
    await service.add({ ...input, inputDir: '/in2', enabled: false });
    expect(runners.map((r) => [r.rule.inputDir, r.running])).toEqual([['/in', true]]);
    await service.pause(a.id);
    expect(runners[0]!.running).toBe(false);
    expect(service.status().map((s) => [s.rule.inputDir, s.rule.enabled, s.running])).toEqual([['/in', false, false], ['/in2', false, false]]);
    await service.resume(a.id);
    await service.update(a.id, { ...input, target: 'webp' });
    expect(runners.map((r) => [r.rule.target, r.running])).toEqual([['jpg', false], ['jpg', false], ['webp', true]]);
  });

  it('survives a restart of the app: rules come back from SQLite and enabled ones start', async () => {
    await service.add(input);
    await service.stopAll();
    const again = new WatchService({ rules: new SqliteWatchRuleStore(db), jobs, createRunner: (rule) => new FakeRunner(rule) });
    await again.startEnabled();
    expect(again.status().map((s) => s.running)).toEqual([true]);
  });

  it('retries through the running rule, or marks failures for the next start when paused', async () => {
    const rule = await service.add(input);
    expect(service.retry(rule.id, '/in/a.png')).toBe(1);
    expect(runners[0]!.retried).toEqual(['/in/a.png']);
    await service.pause(rule.id);
    const job = addRuleJob(jobs, rule.id, { path: '/in/a.png', size: 1, mtimeMs: 1, hash: 'e'.repeat(64) });
    expect(queueStore.finish(job.id, 1, failedReport('/in/a.png', 'INPUT_CORRUPT', 'bad'), { finishedAt: Date.now(), pair: 'PNG->JPG', mode: 'local', status: 'failed', errorCode: 'INPUT_CORRUPT', runtimeMs: 1, inputBytes: 1, outputBytes: null, billableMinutes: 0, cohort: null }, null)).toBe(true);
    expect(service.status()[0]!.activity.failed).toBe(1);
    expect(service.retry(rule.id)).toBe(1);
    expect(service.status()[0]!.activity.failed).toBe(0);
  });

  it('refuses unknown rules and invalid edits with RULE_INVALID', async () => {
    await expect(service.pause(42)).rejects.toMatchObject({ code: 'RULE_INVALID', message: 'There is no watch rule #42.' });
    const rule = await service.add(input);
    await expect(service.update(rule.id, { ...input, outputDir: '/in' })).rejects.toMatchObject({ code: 'RULE_INVALID' });
    expect(service.status()[0]).toMatchObject({ rule: { outputDir: '/out' }, running: true });
  });
});
