import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../main/core/errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'convertr.db';

/**
 * Applies the migrations the database has not seen yet, each in its own write transaction that reads the
 * version again first: two processes opening a new data folder at once apply each migration once.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    throw new AppError('DATA_FOLDER_NEWER', `${db.name} was written by a newer Convertr (database schema ${current}; this version knows up to ${known}). Update Convertr, or point CONVERTR_HOME at another folder.`);
  }
  let applied = 0;
  for (const migration of migrations) {
    db.transaction(() => {
      if (migration.version <= (db.pragma('user_version', { simple: true }) as number)) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      applied++;
    }).immediate();
  }
  return applied;
}

export interface OpenDatabaseOptions {
  /** The addon to load instead of the default one (Electron's main process from a checkout: see electronBinding.ts). */
  nativeBinding?: string | undefined;
}

/** Opens (creating if needed) `convertr.db` in the data folder: WAL, foreign keys, a busy timeout, migrated. */
export function openDatabase(dataDirectory: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  mkdirSync(dataDirectory, { recursive: true });
  const db = new Database(path.join(dataDirectory, DATABASE_FILE), { timeout: 5000, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
