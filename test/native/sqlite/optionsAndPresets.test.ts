import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import { openDatabase } from '../../../native/sqlite/openDatabase';
import { SqlitePresetStore } from '../../../native/sqlite/sqlitePresetStore';
import { SqliteQueueStore } from '../../../native/sqlite/sqliteQueueStore';
import { SqliteTelemetryStore } from '../../../native/sqlite/sqliteTelemetryStore';
import { removeDir, tempDir } from '../../helpers/media';

describe('options and presets in SQLite', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = tempDir('convertr-presets-');
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('keeps each job\'s options, read back after reopening (resume and retry use them)', () => {
    const options = normalizeOptions({ quality: 'small', maxSizeBytes: 16e6, resize: 1280, stripMetadata: true, onConflict: 'overwrite' });
    new SqliteQueueStore(db, new SqliteTelemetryStore(db)).addBatch('k', 'cli', [
      { inputPath: '/in/a.mov', target: 'mp4', outputDir: null, cohort: null, options },
      { inputPath: '/in/b.mov', target: 'mp4', outputDir: null, cohort: null },
    ]);
    db.close();
    db = openDatabase(dir);
    const jobs = new SqliteQueueStore(db, new SqliteTelemetryStore(db)).batch('k');
    expect(jobs[0]!.options).toEqual(options);
    expect(jobs[1]!.options).toEqual(normalizeOptions({}));
  });

  it('saves, renames, lists and deletes the user\'s presets; names are unique whatever their case', () => {
    const store = new SqlitePresetStore(db);
    const saved = store.save('  Family videos ', 'mp4', normalizeOptions({ maxSizeBytes: 50e6, resize: 1280 }));
    expect(saved).toMatchObject({ id: 'family-videos', name: 'Family videos', target: 'mp4', builtIn: false });
    store.save('FAMILY VIDEOS', 'mp4', normalizeOptions({ maxSizeBytes: 40e6 }));
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]!.options.maxSizeBytes).toBe(40e6);
    expect(() => store.save('Chat video, under 16 MB', 'mp4', normalizeOptions({}))).toThrow(/built-in/);
    expect(() => store.save('Photos', 'jpg', normalizeOptions({ maxSizeBytes: 1e6 }))).toThrow(/video and audio/);
    store.save('Photos', 'jpg', normalizeOptions({ resize: 1600 }));
    expect(() => store.update('photos', 'Family videos', 'jpg', normalizeOptions({}))).toThrow(/exists already/);
    expect(store.update('photos', 'Holiday photos', 'webp', normalizeOptions({ resize: 1600 }))).toMatchObject({ id: 'holiday-photos', target: 'webp' });
    expect(store.remove('family-videos')).toBe(true);
    expect(store.remove('family-videos')).toBe(false);
    expect(store.list().map((p) => p.id)).toEqual(['holiday-photos']);
  });
});
