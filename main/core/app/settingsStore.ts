import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cohortOf } from '../telemetry/cohort.js';

export const DEFAULT_API_URL = 'https://convertr.app';

const storedSettingsSchema = z.object({
  mode: z.enum(['local', 'hosted', 'auto']).default('local'),
  apiUrl: z.string().url().default(DEFAULT_API_URL),
  clientCohort: z.string().regex(/^cohort_[0-9a-f]{16}$/).nullable().default(null),
  notifications: z.boolean().default(true),
  outputFolder: z.string().nullable().default(null),
  concurrency: z.object({ video: z.number().int().min(1).max(20), audio: z.number().int().min(1).max(40), image: z.number().int().min(1).max(256) }).nullable().default(null),
});

export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export interface SettingsChange {
  mode?: StoredSettings['mode'];
  apiUrl?: string;
  clientLabel?: string;
  notifications?: boolean;
  outputFolder?: string | null;
  concurrency?: NonNullable<StoredSettings['concurrency']>;
}

/** settings.json in the data folder: no secrets, and a client label only as its cohort hash. */
export class SettingsStore {
  private current: StoredSettings;
  private readonly file: string;

  constructor(dataDirectory: string) {
    this.file = path.join(dataDirectory, 'settings.json');
    this.current = this.load();
  }

  get(): StoredSettings {
    return structuredClone(this.current);
  }

  update(change: SettingsChange): StoredSettings {
    const { clientLabel, ...rest } = change;
    const next = storedSettingsSchema.parse({ ...this.current, ...rest, ...(clientLabel !== undefined ? { clientCohort: cohortOf(clientLabel) } : {}) });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(temporary, this.file);
    this.current = next;
    return this.get();
  }

  private load(): StoredSettings {
    try {
      return storedSettingsSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      return storedSettingsSchema.parse({});
    }
  }
}
