import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { OUTPUT_FORMATS } from '../formats.js';
import { conversionOptionsSchema } from '../engine/plan/conversionOptionsSchema.js';

/** One file waiting for Start in the window's review list, with the target, preset and options picked for it. */
const reviewRowSchema = z.object({
  path: z.string().min(1),
  target: z.enum(OUTPUT_FORMATS).nullable(),
  preset: z.string().min(1).nullable(),
  /** Set by hand on the row; null or absent: the preset's, or the defaults. */
  options: conversionOptionsSchema.nullable().optional(),
});
export type ReviewRow = z.infer<typeof reviewRowSchema>;
const reviewFileSchema = z.object({ rows: z.array(reviewRowSchema) });

/**
 * The review list kept in the data folder, so that a reload of the window or a restart of the app shows the
 * files still waiting, each with its choices. A missing or unreadable file is an empty list.
 */
export class ReviewListStore {
  private readonly file: string;

  constructor(dataDirectory: string) {
    this.file = path.join(dataDirectory, 'review.json');
  }

  get(): ReviewRow[] {
    try {
      return reviewFileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))).rows;
    } catch {
      return [];
    }
  }

  set(rows: readonly ReviewRow[]): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(reviewFileSchema.parse({ rows }))}\n`);
    renameSync(temporary, this.file);
  }
}
