import type { JobIdBlocks } from '../../main/core/jobs/jobIds.js';
import type { SqliteDatabase } from './openDatabase.js';

/** The last job id reserved on this data folder, shared by every process and every run that opens it. */
export class SqliteJobIdBlocks implements JobIdBlocks {
  private readonly advance;

  constructor(db: SqliteDatabase) {
    this.advance = db.prepare('UPDATE job_ids SET last_reserved = last_reserved + ? WHERE only = 1 RETURNING last_reserved');
  }

  reserve(count: number): number {
    return (this.advance.get(count) as { last_reserved: number }).last_reserved - count + 1;
  }
}
