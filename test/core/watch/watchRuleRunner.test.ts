import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConversionResult } from '../../../main/core/engine/run/localConverter';
import { Scheduler } from '../../../main/core/scheduling/scheduler';
import { outputKind } from '../../../main/core/formats';
import { contentHashOf } from '../../../main/core/watch/contentHash';
import { sampleFile } from '../../../main/core/watch/stabilityMonitor';
import { PersistentQueue } from '../../../main/core/queue/persistentQueue';
import type { LateRouter } from '../../../main/core/queue/ports';
import { validateWatchRule, type WatchRuleInput } from '../../../main/core/watch/watchRule';
import { WatchRuleRunner, type WatchEvent, type WatchRunnerDeps } from '../../../main/core/watch/watchRuleRunner';
import { systemClock } from '../../../native/createNativeEngine';
import { isProcessAlive, nodeRecoveryFileSystem } from '../../../native/queueFileSystem';
import Database from 'better-sqlite3';
import { migrate, openDatabase, DATABASE_FILE, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import type { SqliteRuleJobStore } from '../../../native/sqlite/sqliteRuleJobStore';
import { SqliteWatchRuleStore } from '../../../native/sqlite/sqliteWatchRuleStore';
import { ChokidarFolderWatcher } from '../../../native/watch/chokidarFolderWatcher';
import { useRealEngine } from '../../helpers/engine';
import { removeDir, tempDir } from '../../helpers/media';
import { waitFor } from '../../helpers/watchCli';
import { addRuleJob, ruleJobStores } from '../../helpers/ruleJobs';

const engine = useRealEngine();
/** A process id no process has (above Linux's pid_max): what a killed owner leaves behind. */
const DEAD_PID = 4_194_304 + 17;
const STABILITY = { stableForMs: 400, pollMs: 100, emptyFileFactor: 4 };
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A PNG of one colour; distinct `seed`s give distinct contents. */
async function png(file: string, seed: number, size = 16): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width: size, height: size, channels: 3, background: { r: seed % 256, g: Math.floor(seed / 256) % 256, b: 77 } } }).png().toFile(file);
}

const files = (dir: string, filter = (name: string) => !name.startsWith('.')) => (existsSync(dir) ? readdirSync(dir).filter(filter).sort() : []);
const partials = (dir: string) => files(dir, (n) => n.endsWith('.convertr-part'));

interface Harness {
  runner: WatchRuleRunner;
  events: WatchEvent[];
  /** When each file was queued for conversion (wall clock). */
  queuedAt: Map<string, number>;
  finished: () => WatchEvent[];
  db: SqliteDatabase;
  jobs: SqliteRuleJobStore;
  stop: () => Promise<void>;
}

function workspace() {
  const root = tempDir('convertr-watch-');
  dirs.push(root);
  return { root, input: path.join(root, 'in'), output: path.join(root, 'out'), home: path.join(root, 'home') };
}

/** A runner over real chokidar, a real SQLite file, the one launcher and the real engine; the same home means the same job table. */
async function startRunner(home: string, ruleInput: WatchRuleInput, stability = STABILITY, extra: Partial<WatchRunnerDeps> = {}, route?: LateRouter): Promise<Harness> {
  const db = openDatabase(home);
  const rules = new SqliteWatchRuleStore(db);
  const spec = validateWatchRule(ruleInput);
  const rule = rules.list().find((r) => r.inputDir === spec.inputDir) ?? rules.add(spec);
  const { queueStore, ruleJobs: jobs } = ruleJobStores(db);
  const events: WatchEvent[] = [];
  const queuedAt = new Map<string, number>();
  const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 2, image: 2 }, total: 2 }, systemClock);
  const owner = { pid: process.pid, isProcessAlive, now: Date.now };
  const queue = new PersistentQueue({ store: queueStore, files: nodeRecoveryFileSystem, owner, wallClock: Date.now, leaseExpiry: () => Date.now() + 30_000, scratchRoot: path.join(home, 'scratch') });
  const launcher = queue.launcher(route ?? ((job) => ({ mode: 'local', converter: engine().converter, scheduler, lane: outputKind(job.target) })));
  const runner = new WatchRuleRunner({
    rule, jobs, queue, launcher, watcher: new ChokidarFolderWatcher(), files: nodeRecoveryFileSystem,
    owner, leaseExpiry: () => Date.now() + 30_000, scratchRoot: path.join(home, 'scratch'), clock: systemClock, stability, cohort: null,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'queued') queuedAt.set(event.path, Date.now());
    },
    ...extra,
  });
  mkdirSync(spec.inputDir, { recursive: true });
  await runner.start();
  let stopped = false;
  const harness: Harness = {
    runner, events, queuedAt, db, jobs,
    finished: () => events.filter((e) => e.type === 'finished'),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await runner.stop();
      db.close();
    },
  };
  running.push(harness);
  return harness;
}

const running: Harness[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop()));
});

/** Waits for the runner to have nothing to do for a little while (so that a loop or a duplicate would show). */
async function settled(h: Harness): Promise<void> {
  let quietSince = Date.now();
  await waitFor(() => {
    if (!h.runner.idle) quietSince = Date.now();
    return Date.now() - quietSince > 1200;
  }, 'the runner to settle', 60_000);
}

const succeededCount = (db: SqliteDatabase) => (db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status = 'succeeded'").get() as { n: number }).n;

describe('watch rule runner (real files, chokidar, SQLite, sharp)', () => {
  it('converts a file written slowly over 3 seconds once, after it is complete', async () => {
    const w = workspace();
    // Writes come every 200 ms; a 1 s stability window keeps a loaded CI machine's late timer from looking like the end of the copy.
    const h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output }, { ...STABILITY, stableForMs: 1000 });
    const staged = path.join(w.root, 'big.png');
    await sharp({ create: { width: 512, height: 512, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toFile(staged);
    const bytes = readFileSync(staged);
    const target = path.join(w.input, 'slow.png');
    const chunks = 15;
    const chunk = Math.ceil(bytes.length / chunks);
    writeFileSync(target, bytes.subarray(0, chunk));
    for (let i = 1; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3000 / chunks));
      appendFileSync(target, bytes.subarray(i * chunk, (i + 1) * chunk));
    }
    const writtenAt = Date.now();
    expect(h.events.filter((e) => e.type === 'queued'), 'queued while still being written').toEqual([]);
    await waitFor(() => h.finished().length === 1, 'the slow file to be converted', 30_000);
    await settled(h);
    expect(h.finished()).toMatchObject([{ report: { status: 'succeeded', input: target } }]);
    expect(files(w.output)).toEqual(['slow.jpg']);
    expect(await sharp(path.join(w.output, 'slow.jpg')).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 });
    expect(h.queuedAt.get(target)).toBeGreaterThanOrEqual(writtenAt);
  });

  it('a rule that waits while offline claims nothing while the API is unreachable, then converts once it answers', async () => {
    const w = workspace();
    let offline = true;
    const h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output }, STABILITY, { mustWaitForNetwork: async () => offline, networkRetryMs: 300 });
    await png(path.join(w.input, 'later.png'), 9);
    await waitFor(() => h.events.filter((e) => e.type === 'waiting').length >= 2, 'the file to be looked at again while offline', 30_000);
    expect(h.events.filter((e) => e.type === 'queued' || e.type === 'finished')).toEqual([]);
    expect((h.db.prepare('SELECT COUNT(*) AS n FROM queue_jobs').get() as { n: number }).n).toBe(0);
    expect(succeededCount(h.db) + (h.db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status = 'failed'").get() as { n: number }).n).toBe(0);
    offline = false;
    await waitFor(() => h.finished().length === 1, 'the conversion once online', 30_000);
    await settled(h);
    expect(h.finished()).toMatchObject([{ report: { status: 'succeeded' } }]);
    expect(files(w.output)).toEqual(['later.jpg']);
    expect(succeededCount(h.db)).toBe(1);
  });

  it('converts 200 files dropped at once exactly once each', async () => {
    const w = workspace();
    const staging = path.join(w.root, 'staging');
    await Promise.all(Array.from({ length: 200 }, (_, i) => png(path.join(staging, `img${String(i).padStart(3, '0')}.png`), i)));
    const h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output });
    const started = Date.now();
    for (const name of files(staging)) renameSync(path.join(staging, name), path.join(w.input, name));
    await waitFor(() => h.finished().length >= 200, '200 conversions', 90_000);
    await settled(h);
    console.log(`200 files converted in ${Date.now() - started} ms`);
    expect(h.finished()).toHaveLength(200);
    expect(files(w.output)).toEqual(files(w.input).map((n) => n.replace('.png', '.jpg')));
    expect(partials(w.output)).toEqual([]);
    expect(succeededCount(h.db)).toBe(200);
  });

  it('converts files added while stopped at the next start, and nothing already converted; a rename converts nothing', async () => {
    const w = workspace();
    await png(path.join(w.input, 'before.png'), 1);
    await png(path.join(w.input, 'stays.png'), 4);
    let h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output });
    await waitFor(() => h.finished().length === 2, 'the first files', 30_000);
    await h.stop();

    await png(path.join(w.input, 'while-stopped-1.png'), 2);
    await png(path.join(w.input, 'while-stopped-2.png'), 3);
    renameSync(path.join(w.input, 'before.png'), path.join(w.input, 'renamed-while-stopped.png'));
    h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output });
    await waitFor(() => h.finished().length === 2, 'the two new files', 30_000);
    renameSync(path.join(w.input, 'while-stopped-1.png'), path.join(w.input, 'renamed-while-running.png'));
    await settled(h);

    expect(files(w.output)).toEqual(['before.jpg', 'stays.jpg', 'while-stopped-1.jpg', 'while-stopped-2.jpg']);
    expect(h.events.find((e) => e.type === 'watching')).toMatchObject({ catchUp: 3, known: 1 });
    expect(h.events.filter((e) => e.type === 'skipped').map((e) => e.type === 'skipped' && [path.basename(e.path), e.reason]).sort()).toEqual([
      ['renamed-while-running.png', 'already-converted'],
      ['renamed-while-stopped.png', 'already-converted'],
    ]);
    expect(succeededCount(h.db)).toBe(4);
  });

  it('never converts its own outputs when the output folder is inside the watched folder', async () => {
    const w = workspace();
    const output = path.join(w.input, 'converted');
    await png(path.join(w.input, 'a.png'), 1);
    await png(path.join(w.input, 'sub', 'b.png'), 2);
    const h = await startRunner(w.home, { inputDir: w.input, recursive: true, target: 'png', include: ['*.png', '*.jpg'], outputDir: output });
    await waitFor(() => h.finished().length === 2, 'two conversions', 30_000);
    await png(path.join(w.input, 'sub', 'c.png'), 3);
    await waitFor(() => h.finished().length === 3, 'the third conversion', 30_000);
    await settled(h);
    expect(h.finished()).toHaveLength(3);
    expect(files(output)).toEqual(['a.png', 'sub']);
    expect(files(path.join(output, 'sub'))).toEqual(['b.png', 'c.png']);
  });

  it('records a corrupt file as failed with its reason without blocking the rest, and retries it only when it changes or on request', async () => {
    const w = workspace();
    const h = await startRunner(w.home, { inputDir: w.input, target: 'jpg', outputDir: w.output });
    const bad = path.join(w.input, 'broken.png');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]));
    for (let i = 0; i < 4; i++) await png(path.join(w.input, `ok${i}.png`), 10 + i);
    await waitFor(() => h.finished().length === 5, 'five results', 30_000);
    await settled(h);
    const failed = h.finished().filter((e) => e.type === 'finished' && e.report.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(files(w.output)).toEqual(['ok0.jpg', 'ok1.jpg', 'ok2.jpg', 'ok3.jpg']);
    const activity = h.jobs.activity(h.runner.rule.id);
    expect(activity).toMatchObject({ converted: 4, failed: 1, failures: [{ path: bad }] });
    expect(activity.failures[0]!.message).not.toBe('');

    // Unchanged: a retry on request runs it again (and it fails again, once).
    expect(h.runner.retry(bad)).toBe(1);
    await waitFor(() => h.finished().length === 6, 'the requested retry', 30_000);
    // Changed into a valid image: converted without being asked.
    await png(path.join(w.root, 'fixed.png'), 99);
    renameSync(path.join(w.root, 'fixed.png'), bad);
    await waitFor(() => h.finished().length === 7, 'the changed file', 30_000);
    await settled(h);
    expect(h.finished().map((e) => e.type === 'finished' && e.report.status).slice(5)).toEqual(['failed', 'succeeded']);
    expect(files(w.output)).toContain('broken.jpg');
  });

  it('moves converted sources to the done folder, mirroring sub-folders, without overwriting', async () => {
    const w = workspace();
    const done = path.join(w.root, 'done');
    await png(path.join(w.input, 'a.png'), 1);
    await png(path.join(w.input, 'trip', 'b.png'), 2);
    await png(path.join(done, 'a.png'), 3);
    const h = await startRunner(w.home, { inputDir: w.input, recursive: true, target: 'webp', outputDir: w.output, sourcePolicy: { kind: 'move', doneDir: done } });
    await waitFor(() => h.finished().length === 2, 'two conversions', 30_000);
    await settled(h);
    expect(files(w.input)).toEqual(['trip']);
    expect(files(path.join(w.input, 'trip'))).toEqual([]);
    expect(files(done)).toEqual(['a (1).png', 'a.png', 'trip']);
    expect(files(path.join(done, 'trip'))).toEqual(['b.png']);
    expect(files(path.join(w.output, 'trip'))).toEqual(['b.webp']);
  });

  it('recovers from a crash: keeps an output renamed into place before its bookkeeping, removes a partial one and converts that file again', async () => {
    const w = workspace();
    await png(path.join(w.input, 'committed.png'), 1);
    await png(path.join(w.input, 'partial.png'), 2);
    const spec = { inputDir: w.input, target: 'jpg' as const, outputDir: w.output };
    // Leave the rule's jobs as a killed process would: one renamed into place, one mid-write (the owner is dead).
    {
      const db = openDatabase(w.home);
      const rule = new SqliteWatchRuleStore(db).add(validateWatchRule(spec));
      const { queueStore, ruleJobs } = ruleJobStores(db);
      for (const name of ['committed', 'partial']) {
        const file = path.join(w.input, `${name}.png`);
        const temp = path.join(w.output, `.${name}.0123456789ab.convertr-part`);
        const job = addRuleJob(ruleJobs, rule.id, { path: file, ...(await sampleFile(file))!, hash: await contentHashOf(file) }, DEAD_PID, w.output, temp);
        mkdirSync(w.output, { recursive: true });
        writeFileSync(temp, 'half');
        queueStore.start(job.id, DEAD_PID, temp);
        if (name === 'committed') {
          queueStore.commit(job.id, DEAD_PID, path.join(w.output, 'committed.jpg'), { input: file, output: path.join(w.output, 'committed.jpg'), status: 'succeeded', pair: 'PNG->JPG', mode: 'local', runtimeMs: 3, billableMinutes: 0, error: null, notes: [] });
          renameSync(temp, path.join(w.output, 'committed.jpg'));
        }
      }
      db.close();
    }
    const h = await startRunner(w.home, spec);
    await waitFor(() => h.finished().length === 1, 'the partial file converted again', 30_000);
    await settled(h);
    expect(h.events.find((e) => e.type === 'recovered')).toEqual({ type: 'recovered', completed: 1, released: 1, partialFilesRemoved: 1 });
    expect(h.finished()).toMatchObject([{ report: { input: path.join(w.input, 'partial.png'), status: 'succeeded' } }]);
    expect(readdirSync(w.output).sort()).toEqual(['committed.jpg', 'partial.jpg']);
    expect(succeededCount(h.db)).toBe(2);
  });

  it('after an upgrade from a database whose rule kept a ledger (schema 11), converts none of the files it recorded, and converts a new one', async () => {
    const w = workspace();
    const spec = validateWatchRule({ inputDir: w.input, target: 'jpg', outputDir: w.output });
    await png(path.join(w.input, 'done.png'), 1);
    await png(path.join(w.input, 'broken.png'), 2);
    await png(path.join(w.input, 'renamed.png'), 3);
    mkdirSync(w.home, { recursive: true });
    mkdirSync(w.output, { recursive: true });
    writeFileSync(path.join(w.output, 'done.jpg'), 'converted before the upgrade');
    writeFileSync(path.join(w.output, 'renamed.jpg'), 'converted before the upgrade');
    {
      const old = new Database(path.join(w.home, DATABASE_FILE));
      migrate(old, MIGRATIONS.filter((m) => m.version <= 11));
      const ruleId = Number(old.prepare('INSERT INTO watch_rules (spec_json, enabled, created_at, updated_at) VALUES (?, 1, 1, 1)').run(JSON.stringify(spec)).lastInsertRowid);
      const row = old.prepare(`INSERT INTO watch_ledger (rule_id, content_hash, path, size, mtime_ms, state, output_path, report_json, error_code, error_message, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 5)`);
      const ledgerRow = async (name: string, seenAs: string, state: 'succeeded' | 'failed') => {
        const file = path.join(w.input, name);
        const { size, mtimeMs } = (await sampleFile(file))!;
        const output = state === 'succeeded' ? path.join(w.output, name.replace('.png', '.jpg')) : null;
        const report = output && JSON.stringify({ input: file, output, status: 'succeeded', pair: 'PNG->JPG', mode: 'local', runtimeMs: 3, billableMinutes: 0, error: null, notes: [] });
        row.run(ruleId, await contentHashOf(file), path.join(w.input, seenAs), size, mtimeMs, state, output, report, state === 'failed' ? 'INPUT_CORRUPT' : null, state === 'failed' ? 'The image is damaged.' : null);
      };
      await ledgerRow('done.png', 'done.png', 'succeeded');
      await ledgerRow('broken.png', 'broken.png', 'failed');
      // Seen under another name before the upgrade: the same content is recognised by its hash.
      await ledgerRow('renamed.png', 'before-rename.png', 'succeeded');
      old.close();
    }
    const h = await startRunner(w.home, spec);
    expect(h.db.prepare("SELECT name FROM sqlite_master WHERE name = 'watch_ledger'").all()).toEqual([]);
    expect(h.jobs.activity(h.runner.rule.id)).toMatchObject({ converted: 2, failed: 1, failures: [{ path: path.join(w.input, 'broken.png'), code: 'INPUT_CORRUPT', message: 'The image is damaged.' }] });
    await png(path.join(w.input, 'new.png'), 4);
    await waitFor(() => h.finished().length === 1, 'the new file', 30_000);
    await settled(h);
    expect(h.events.find((e) => e.type === 'watching')).toMatchObject({ known: 2, catchUp: 1 });
    expect(h.finished()).toMatchObject([{ report: { input: path.join(w.input, 'new.png'), status: 'succeeded' } }]);
    expect(h.events.filter((e) => e.type === 'skipped')).toEqual([{ type: 'skipped', path: path.join(w.input, 'renamed.png'), reason: 'already-converted' }]);
    expect(files(w.output)).toEqual(['done.jpg', 'new.jpg', 'renamed.jpg']);
    expect(readFileSync(path.join(w.output, 'done.jpg'), 'utf8')).toBe('converted before the upgrade');
    expect(succeededCount(h.db)).toBe(1);
  });

  it("a rule's picture is admitted with its decode memory, as a queued job's is (a 8000x8000 PNG to WEBP is hundreds of MB)", async () => {
    const w = workspace();
    const requests: unknown[] = [];
    const scheduler = new Scheduler<ConversionResult>({ perLane: { video: 1, audio: 2, image: 2 }, total: 2 }, systemClock);
    const enqueue = scheduler.enqueue.bind(scheduler);
    scheduler.enqueue = (request, task, onEnd) => {
      requests.push(request);
      return enqueue(request, task, onEnd);
    };
    const h = await startRunner(w.home, { inputDir: w.input, outputDir: w.output, target: 'webp' }, STABILITY, {}, (job) => ({ mode: 'local', converter: engine().converter, scheduler, lane: outputKind(job.target) }));
    await png(path.join(w.input, 'wide.png'), 3, 8000);
    await waitFor(() => h.finished().length === 1, 'the picture to convert', 120_000);
    expect(requests).toHaveLength(1);
    const request = requests[0] as { lane: string; memoryBytes?: number };
    expect(request.lane).toBe('image');
    expect(request.memoryBytes).toBeGreaterThan(8000 * 8000 * 3);
  }, 180_000);
});
