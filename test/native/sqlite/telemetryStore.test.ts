import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cohortOf, normalizeLabel } from '../../../main/core/telemetry/cohort';
import type { ConversionRecord } from '../../../main/core/telemetry/ports';
import { DAY_MS, buildStats, dayOf } from '../../../main/core/telemetry/stats';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import { openDatabase, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { removeDir, tempDir } from '../../helpers/media';

const TODAY = dayOf(Date.UTC(2026, 10, 29, 12));
const at = (daysAgo: number, hour = 12) => (TODAY - daysAgo) * DAY_MS + hour * 3_600_000;

function row(overrides: Partial<ConversionRecord>): ConversionRecord {
  return { finishedAt: at(0), pair: 'HEIC->JPG', mode: 'local', status: 'succeeded', errorCode: null, runtimeMs: 1000, inputBytes: 100, outputBytes: 50, billableMinutes: 1, cohort: null, ...overrides };
}

describe('SqliteTelemetryStore on a real SQLite file', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteTelemetryStore;
  beforeEach(() => {
    dir = tempDir('convertr-telemetry-');
    db = openDatabase(dir);
    store = new SqliteTelemetryStore(db);
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('rolls up a seeded mix to the hand-computed numbers', () => {
    const a = cohortOf('Studio A')!;
    const b = cohortOf('studio   a ')!;
    const c = cohortOf('Office B')!;
    expect(a).toBe(b);
    // MP4->MP3: 3 succeeded (30 s, 95 s, 61 s), 1 failed (2 s), 1 cancelled; two days.
    store.record(row({ pair: 'MP4->MP3', runtimeMs: 30_000, billableMinutes: 1, cohort: a, finishedAt: at(0) }));
    store.record(row({ pair: 'MP4->MP3', runtimeMs: 95_000, billableMinutes: 2, cohort: b, finishedAt: at(1) }));
    store.record(row({ pair: 'MP4->MP3', runtimeMs: 61_000, billableMinutes: 2, mode: 'hosted', cohort: c, finishedAt: at(1) }));
    store.record(row({ pair: 'MP4->MP3', status: 'failed', errorCode: 'NO_AUDIO_STREAM', runtimeMs: 2_000, billableMinutes: 0, finishedAt: at(0) }));
    store.record(row({ pair: 'MP4->MP3', status: 'cancelled', errorCode: 'CANCELLED', runtimeMs: 5_000, billableMinutes: 0, finishedAt: at(0) }));
    // HEIC->JPG: 1 succeeded (400 ms, free image), 1 failed.
    store.record(row({ pair: 'HEIC->JPG', runtimeMs: 400, billableMinutes: 0, finishedAt: at(2) }));
    store.record(row({ pair: 'HEIC->JPG', status: 'failed', errorCode: 'INPUT_CORRUPT', runtimeMs: 10, billableMinutes: 0, finishedAt: at(2) }));

    const stats = buildStats(store.totals(TODAY - 13, TODAY), 14, TODAY, store.runtimes((TODAY - 13) * DAY_MS, (TODAY + 1) * DAY_MS));
    expect(stats).toMatchObject({ window: '14d', totalRequests: 6, cohorts: 2, mostUsedPair: 'MP4->MP3', coveredDays: 3, billableMinutes: 5 });
    expect(stats.hostedCost).toBeCloseTo(0.004, 6);
    expect(stats.localSaving).toBeCloseTo(0.006, 6);
    expect(stats.pairs[0]).toEqual({
      pair: 'MP4->MP3', requests: 4, succeeded: 3, failed: 1, cancelled: 1, successRate: 75, errorRate: 25,
      avgRuntimeMs: 62_000, avgRuntime: '1 min 2 s', billableMinutes: 5, window: '14d',
      // Nearest rank: the median of 30, 61 and 95 s is 61 s; the 95th percentile of three runs is the slowest.
      p50RuntimeMs: 61_000, p95RuntimeMs: 95_000,
      byMode: [
        { mode: 'local', succeeded: 2, avgRuntimeMs: 62_500, p50RuntimeMs: 30_000, p95RuntimeMs: 95_000 },
        { mode: 'hosted', succeeded: 1, avgRuntimeMs: 61_000, p50RuntimeMs: 61_000, p95RuntimeMs: 61_000 },
      ],
    });
    expect(stats.days).toHaveLength(14);
    expect(stats.days.at(-1)).toEqual({ date: new Date(TODAY * DAY_MS).toISOString().slice(0, 10), succeeded: 1, failed: 1, cancelled: 1 });
    expect(stats.days.at(-3)).toMatchObject({ succeeded: 1, failed: 1 });
    expect(stats.pairs[1]).toMatchObject({ pair: 'HEIC->JPG', requests: 2, successRate: 50, errorRate: 50, avgRuntimeMs: 400, avgRuntime: '400 ms', billableMinutes: 0 });
  });

  it('counts a day at the window edge in and the day before it out', () => {
    store.record(row({ finishedAt: at(13, 0) }));
    store.record(row({ finishedAt: at(14, 23) }));
    const stats = buildStats(store.totals(TODAY - 13, TODAY), 14, TODAY);
    expect(stats.totalRequests).toBe(1);
    expect(stats.coveredDays).toBe(14);
    expect(buildStats(store.totals(TODAY, TODAY), 1, TODAY).totalRequests).toBe(0);
  });

  it('prunes old rows but keeps the aggregates, so rollups stay correct', () => {
    store.record(row({ finishedAt: at(100), runtimeMs: 3_000 }));
    store.record(row({ finishedAt: at(1), runtimeMs: 5_000 }));
    expect(store.prune(at(90))).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM conversions').get() as { n: number }).n).toBe(1);
    const stats = buildStats(store.totals(TODAY - 119, TODAY), 120, TODAY);
    expect(stats.pairs[0]).toMatchObject({ requests: 2, avgRuntimeMs: 4_000 });
  });

  it('never writes the raw client label, only its cohort hash', () => {
    const label = 'Zebra Crossing Studio \u2163';
    store.record(row({ cohort: cohortOf(label) }));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)));
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from(label))).toBe(false);
      expect(bytes.includes(Buffer.from(normalizeLabel(label)))).toBe(false);
    }
    expect(cohortOf(label)).toMatch(/^cohort_[0-9a-f]{16}$/);
  });

  it('refuses a cohort that is not a hash, so a raw label cannot slip in', () => {
    expect(() => store.record(row({ cohort: 'My Studio' }))).toThrow(/CHECK constraint/);
  });

  it('normalizes labels with NFKC, trimming, collapsing whitespace, lower case and 80 characters', () => {
    expect(normalizeLabel('  ＡＢＣ\t  Studio\n')).toBe('abc studio');
    expect(normalizeLabel('x'.repeat(100))).toHaveLength(80);
    expect(cohortOf('   ')).toBeNull();
  });

  it('migrates a database once and records the schema version', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    db = openDatabase(dir);
    store = new SqliteTelemetryStore(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses, in one sentence, a database written by a newer Convertr instead of failing on its tables', () => {
    const newer = tempDir('convertr-newer-');
    const future = openDatabase(newer);
    future.pragma(`user_version = ${MIGRATIONS.at(-1)!.version + 1}`);
    future.close();
    expect(() => openDatabase(newer)).toThrow(expect.objectContaining({ code: 'DATA_FOLDER_NEWER', message: expect.stringMatching(/written by a newer Convertr .* Update Convertr, or point CONVERTR_HOME at another folder\.$/) }));
    removeDir(newer);
  });
});
