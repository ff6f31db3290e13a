import type { JobIdBlocks } from '../../main/core/jobs/jobIds.js';
import type { SqliteDatabase } from './openDatabase.js';

/** The last job id reserved on this data folder, shared by every process and every run that opens it. */
export class SqliteJobIdBlocks implements JobIdBlocks {
  private readonly advance;
  private readonly last;

  constructor(private readonly db: SqliteDatabase) {
    this.advance = db.prepare('UPDATE job_ids SET last_reserved = last_reserved + ? WHERE only = 1');
    this.last = db.prepare('SELECT last_reserved FROM job_ids WHERE only = 1');
  }

  reserve(count: number): number {
    return this.db.transaction(() => {
      this.advance.run(count);
      return (this.last.get() as { last_reserved: number }).last_reserved - count + 1;
    }).immediate();
  }
}
