import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../main/core/errors.js';
import { makeDirectories } from '../../main/core/makeDirectories.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'convertr.db';

/**
 * Applies the migrations the database has not seen yet, in version order, each in its own write transaction
 * that checks again first: two processes opening a new data folder at once apply each migration once.
 * Each applied version is remembered one by one (`schema_migrations`), so that a migration numbered below
 * one already applied (branches merged in another order) is still applied; `user_version` keeps the highest.
 * A database from before that table counts every version up to its `user_version` as applied.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    throw new AppError('DATA_FOLDER_NEWER', `${db.name} was written by a newer Convertr (database schema ${current}; this version knows up to ${known}). Update Convertr, or point CONVERTR_HOME at another folder.`);
  }
  const hasTable = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasTable()) {
    db.transaction(() => {
      if (hasTable()) return;
      const version = db.pragma('user_version', { simple: true }) as number;
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)');
      const mark = db.prepare('INSERT INTO schema_migrations (version) VALUES (?)');
      for (const migration of migrations) if (migration.version <= version) mark.run(migration.version);
    }).immediate();
  }
  // Read once: an up-to-date database (every start) takes no write lock; a missing version is checked again in its transaction.
  const seen = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  let applied = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (seen.has(migration.version)) continue;
    db.transaction(() => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version) !== undefined) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(migration.version);
      db.pragma(`user_version = ${Math.max(migration.version, db.pragma('user_version', { simple: true }) as number)}`);
      applied++;
    }).immediate();
  }
  return applied;
}

export interface OpenDatabaseOptions {
  /** The addon to load instead of the default one (Electron's main process from a checkout: see electronBinding.ts). */
  nativeBinding?: string | undefined;
}

/**
 * better-sqlite3's own build under plain Node, loaded by its path: without one, better-sqlite3 asks the
 * `bindings` package, whose search (a stack trace and a dozen paths tried) costs every command about 6 ms.
 * Electron keeps that search (a packaged app's addon is unpacked beside its archive).
 */
function nodeAddon(): string | undefined {
  if (process.versions['electron'] !== undefined) return undefined;
  const addon = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  return existsSync(addon) ? addon : undefined;
}

/** Opens (creating if needed) `convertr.db` in the data folder: WAL, foreign keys, a busy timeout, migrated. */
export function openDatabase(dataDirectory: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  makeDirectories(dataDirectory);
  const nativeBinding = options.nativeBinding ?? nodeAddon();
  const db = new Database(path.join(dataDirectory, DATABASE_FILE), { timeout: 5000, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
