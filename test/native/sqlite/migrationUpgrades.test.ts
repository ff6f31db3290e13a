import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, type SqliteDatabase } from '../../../native/sqlite/openDatabase';
import { MIGRATIONS } from '../../../native/sqlite/migrations';
import { RELEASED_MIGRATIONS } from './releasedMigrations';

const failedReport = JSON.stringify({ input: '/in/a.wav', output: null, status: 'failed', pair: 'wav->mp3', mode: 'local', runtimeMs: 5, billableMinutes: 1, error: { code: 'NO_AUDIO_STREAM', message: 'no audio' }, notes: [] });
const doneReport = JSON.stringify({ input: '/in/c.png', output: '/out/c.jpg', status: 'succeeded', pair: 'png->jpg', mode: 'local', runtimeMs: 9, billableMinutes: 1, error: null, notes: [] });

/** What a user's database holds once the release of each version has run a while: rows in every state its tables allow. */
const SEEDS: Record<number, string> = {
  1: `INSERT INTO conversions (finished_at, day, pair, mode, status, error_code, runtime_ms, input_bytes, output_bytes, billable_minutes, cohort)
      VALUES (86400000, 1, 'wav->mp3', 'local', 'succeeded', NULL, 1200, 10, 5, 1, 'cohort_0123456789abcdef');`,
  2: `INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, cohort, state, owner_pid, temp_path, output_path, result_json, created_at, updated_at) VALUES
      ('b2', 0, '/in/a.wav', 'mp3', NULL, NULL, 'done', 7, NULL, NULL, '${failedReport}', 10, 11),
      ('b2', 1, '/in/b.wav', 'mp3', NULL, NULL, 'done', 7, NULL, '/in/b.mp3', NULL, 10, 12),
      ('b2', 2, '/in/c.png', 'jpg', '/out', NULL, 'running', 7, '/out/.c.convertr-part', NULL, NULL, 10, 13),
      ('b3', 0, '/in/d.wav', 'mp3', NULL, NULL, 'committing', 8, '/in/.d.part', '/in/d.mp3', '${doneReport}', 20, 21),
      ('b3', 1, '/in/e.wav', 'mp3', NULL, NULL, 'queued', NULL, NULL, NULL, NULL, 20, 20);`,
  3: `INSERT INTO watch_rules (id, spec_json, enabled, created_at, updated_at) VALUES (4, '{"folder":"/w","target":"jpg","outputDir":"/w/out","options":{"quality":"small"}}', 1, 30, 31);
      INSERT INTO watch_ledger (rule_id, content_hash, path, size, mtime_ms, state, owner_pid, temp_path, output_path, report_json, error_code, error_message, updated_at) VALUES
      (4, '${'a'.repeat(64)}', '/w/a.png', 100, 1.5, 'succeeded', NULL, NULL, '/w/out/a.jpg', '${doneReport}', NULL, NULL, 32),
      (4, '${'b'.repeat(64)}', '/w/b.png', 200, 2.5, 'failed', NULL, NULL, NULL, NULL, 'TOO_LARGE', 'too large', 33),
      (4, '${'c'.repeat(64)}', '/w/c.png', 300, 3.5, 'running', 9, '/w/out/.c.part', NULL, NULL, NULL, NULL, 34);`,
  4: `INSERT INTO queue_batches (batch_key, origin, stopped_by_user, created_at) VALUES ('w4', 'window', 1, 40);
      INSERT INTO queue_jobs (batch_key, position, input_path, target, state, owner_pid, lease_expires_at, scratch_dir, child_pid, child_command, temp_path, created_at, updated_at)
      VALUES ('w4', 0, '/in/f.mov', 'mp4', 'running', 11, 99999, '/scratch/f', 12, 'ffmpeg', '/in/.f.part', 40, 41);
      INSERT INTO watch_ledger (rule_id, content_hash, path, size, mtime_ms, state, owner_pid, lease_expires_at, scratch_dir, child_pid, child_command, temp_path, updated_at)
      VALUES (4, '${'d'.repeat(64)}', '/w/d.png', 400, 4.5, 'running', 13, 88888, '/scratch/d', 14, 'heif-dec', '/w/out/.d.part', 42);
      INSERT INTO converted_outputs (output_path, input_path, input_size, input_mtime_ms, request_key, output_size, created_at) VALUES ('/in/b.mp3', '/in/b.wav', 10, 1.25, '{"target":"mp3"}', 5, 43);`,
  6: `INSERT INTO hosted_spend (month, state, usd, owner_pid, created_at, updated_at) VALUES ('2026-01', 'settled', 0.25, NULL, 60, 60), ('2026-01', 'reserved', 0.5, 15, 61, 61);
      INSERT INTO hosted_samples (finished_at, pair, input_bytes, output_bytes, upload_ms, service_ms, download_ms) VALUES (62, 'wav->mp3', 100, 50, 1, 2, 3);
      INSERT INTO batch_routing (batch_key, mode, api_url, never_upload, budget_usd, strip_photo_metadata, created_at) VALUES ('w4', 'hybrid', 'http://127.0.0.1:9', 0, 2.5, 1, 63);
      INSERT INTO hosted_jobs (job_key, api_origin, server_id, status_url, created_at) VALUES ('j1', 'http://127.0.0.1:9', 's1', '/jobs/s1', 64);`,
  8: `INSERT INTO queue_batches (batch_key, origin, created_at) VALUES ('c8', 'cli', 80);
      INSERT INTO queue_jobs (batch_key, position, input_path, target, options_json, state, created_at, updated_at) VALUES ('c8', 0, '/in/g.heic', 'jpg', '{"quality":"high"}', 'queued', 80, 80);
      INSERT INTO presets (name, target, options_json, created_at, updated_at) VALUES ('Small JPG', 'jpg', '{"quality":"small"}', 81, 81);`,
  9: `INSERT INTO job_history (key, finished_at, row_json) VALUES ('h9', 90, '{"name":"a.mp3"}');`,
  10: `INSERT INTO work_units (unit_key, state, owner_pid, token, lease_expires_at, origin, result_json, updated_at) VALUES ('u1', 'done', NULL, 't1', NULL, 'cli', '{"outputPath":"/o"}', 100);`,
  11: `UPDATE job_ids SET last_reserved = 4096;
      INSERT INTO watch_ledger (rule_id, content_hash, path, size, mtime_ms, state, updated_at) VALUES (4, '${'e'.repeat(64)}', '/w/e.png', 500, 5.5, 'queued', 110);`,
  12: `INSERT INTO job_history (key, finished_at, row_json, options_json) VALUES ('h12', 120, '{"name":"b.jpg"}', '{"quality":"small"}');`,
  13: `INSERT INTO queue_jobs (batch_key, position, input_path, target, state, content_hash, input_size, input_mtime_ms, created_at, updated_at)
      VALUES ('rule:4', 9, '/w/f.png', 'jpg', 'queued', '${'f'.repeat(64)}', 600, 6.5, 130, 130);`,
};

/** A database as the release of `version` left it, after use at each version on the way. */
function releasedDatabase(version: number): SqliteDatabase {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  for (const migration of RELEASED_MIGRATIONS.filter((m) => m.version <= version)) {
    migrate(db, RELEASED_MIGRATIONS.filter((m) => m.version <= migration.version));
    if (SEEDS[migration.version]) db.exec(SEEDS[migration.version]!);
  }
  return db;
}

/** Everything a database is: its schema as SQLite stores it, every row of every table, and its version. */
function contents(db: SqliteDatabase): unknown {
  const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").all() as { type: string; name: string }[];
  const rows = Object.fromEntries(schema.filter((s) => s.type === 'table').map((s) => [s.name, (db.prepare(`SELECT * FROM "${s.name}"`).all() as object[]).map((r) => JSON.stringify(r)).sort()]));
  return { schema, rows, version: db.pragma('user_version', { simple: true }) };
}

describe('migrations', () => {
  const versions = [0, ...RELEASED_MIGRATIONS.map((m) => m.version)];

  it.each(versions)('upgrade a database of version %i to exactly what the released migrations made of it', (version) => {
    const released = releasedDatabase(version);
    migrate(released, RELEASED_MIGRATIONS);
    const current = releasedDatabase(version);
    migrate(current, MIGRATIONS);
    expect(contents(current)).toEqual(contents(released));
    released.close();
    current.close();
  });

  it('carry the rows of every released version into the final tables', () => {
    const db = releasedDatabase(12);
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT batch_key, input_path, state FROM queue_jobs WHERE batch_key IN (?, ?) ORDER BY batch_key, position').all('b2', 'rule:4')).toEqual([
      { batch_key: 'b2', input_path: '/in/a.wav', state: 'failed' },
      { batch_key: 'b2', input_path: '/in/b.wav', state: 'succeeded' },
      { batch_key: 'b2', input_path: '/in/c.png', state: 'running' },
      { batch_key: 'rule:4', input_path: '/w/a.png', state: 'succeeded' },
      { batch_key: 'rule:4', input_path: '/w/b.png', state: 'failed' },
      { batch_key: 'rule:4', input_path: '/w/c.png', state: 'running' },
      { batch_key: 'rule:4', input_path: '/w/d.png', state: 'running' },
      { batch_key: 'rule:4', input_path: '/w/e.png', state: 'queued' },
    ]);
    db.close();
  });
});
