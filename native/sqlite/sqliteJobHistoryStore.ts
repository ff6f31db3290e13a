import type { FinishedRow, JobHistoryStore } from '../../main/core/app/jobHistory.js';
import type { ConversionOptions } from '../../main/core/engine/plan/conversionOptions.js';
import type { SqliteDatabase } from './openDatabase.js';

/** How long an ended row may wait for others before it is written on its own (a batch of small files is one commit). */
const WRITE_SOON_MS = 200;

/** The window's finished rows in SQLite; rows that end close together are written in one transaction. */
export class SqliteJobHistoryStore implements JobHistoryStore {
  private readonly sql;
  private pending: [key: string, row: FinishedRow][] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = {
      insert: db.prepare('INSERT OR REPLACE INTO job_history (key, finished_at, row_json, options_json) VALUES (?, ?, ?, ?)'),
      selectAll: db.prepare('SELECT key, row_json, options_json FROM job_history ORDER BY finished_at, rowid'),
      deleteOne: db.prepare('DELETE FROM job_history WHERE key = ?'),
      deleteAll: db.prepare('DELETE FROM job_history'),
    };
  }

  list(): { key: string; row: FinishedRow }[] {
    this.flush();
    return (this.sql.selectAll.all() as { key: string; row_json: string; options_json: string | null }[]).flatMap(({ key, row_json, options_json }) => {
      try {
        const row = JSON.parse(row_json) as Omit<FinishedRow, 'options'>;
        // Rows kept before options were have none: a Retry then rebuilds them from the row's preset.
        return [{ key, row: { ...row, options: options_json === null ? null : (JSON.parse(options_json) as ConversionOptions) } }];
      } catch {
        // A row that cannot be read back is left out rather than hiding the others.
        return [];
      }
    });
  }

  add(key: string, row: FinishedRow): void {
    this.pending.push([key, row]);
    this.timer ??= setTimeout(() => this.flush(), WRITE_SOON_MS).unref();
  }

  remove(key: string): void {
    this.flush();
    this.sql.deleteOne.run(key);
  }

  clear(): number {
    this.flush();
    return this.sql.deleteAll.run().changes;
  }

  /** Writes the rows waiting to be written (also called when the data folder closes). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const [key, { options, ...row }] of pending) this.sql.insert.run(key, row.finishedAt ?? Date.now(), JSON.stringify(row), options ? JSON.stringify(options) : null);
    })();
  }
}
