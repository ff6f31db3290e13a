import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { PLAN_CEILINGS } from '../scheduling/concurrency.js';
import type { MediaKind } from '../formats.js';
import { DEFAULT_API_URL, parseApiUrl } from '../hosted/hostedPlan.js';
import { MODE_PREFERENCES } from '../modes.js';
import { cohortOf } from '../telemetry/cohort.js';
import { MAX_NAME_TEMPLATE_LENGTH, nameTemplateProblem } from '../engine/run/outputName.js';
import { SPEEDS } from '../engine/plan/conversionOptions.js';

/** Jobs at once for a kind: at least 1, at most the hosted plan's ceiling (none for pictures). */
const lane = (kind: MediaKind) => z.number().int().min(1).max(PLAN_CEILINGS[kind]);

const storedSettingsSchema = z.object({
  mode: z.enum(MODE_PREFERENCES).default('local'),
  /** Hybrid routing: the most hosted jobs may spend in a calendar month, in USD. */
  hybridBudgetUsd: z.number().min(0).max(1_000_000).default(0),
  /** Strip GPS and camera serial numbers from photos before upload. */
  stripPhotoLocation: z.boolean().default(false),
  apiUrl: z.string().url().default(DEFAULT_API_URL),
  clientCohort: z.string().regex(/^cohort_[0-9a-f]{16}$/).nullable().default(null),
  /** The service's cohort after registration (not a secret: what support asks for). */
  serviceCohort: z.string().max(200).nullable().default(null),
  notifications: z.boolean().default(true),
  outputFolder: z.string().nullable().default(null),
  /** Dropped files start at once, or wait in the window for Start. */
  onDrop: z.enum(['start', 'review']).default('start'),
  concurrency: z.object({ video: lane('video'), audio: lane('audio'), image: lane('image') }).nullable().default(null),
  /** The window's output name template ("{name}-{preset}"); null: the input's name. */
  nameTemplate: z.string().max(MAX_NAME_TEMPLATE_LENGTH).refine((t) => nameTemplateProblem(t) === undefined).nullable().default(null),
  /** The video encoder's speed for the window's conversions whose preset or row chooses none. */
  encodingSpeed: z.enum(SPEEDS).default('balanced'),
});

/** Earlier versions defaulted to this address, where no service answers; a stored copy of it means the default. */
const RETIRED_DEFAULT_API_URLS = new Set(['https://convertr.app', 'https://convertr.app/']);

export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export interface SettingsChange {
  mode?: StoredSettings['mode'];
  apiUrl?: string;
  hybridBudgetUsd?: number;
  stripPhotoLocation?: boolean;
  serviceCohort?: string | null;
  clientLabel?: string;
  notifications?: boolean;
  outputFolder?: string | null;
  onDrop?: StoredSettings['onDrop'];
  concurrency?: NonNullable<StoredSettings['concurrency']>;
  nameTemplate?: string | null;
  encodingSpeed?: StoredSettings['encodingSpeed'];
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
    // Throws a USAGE error for plain HTTP to another machine, before anything is saved.
    if (rest.apiUrl !== undefined) rest.apiUrl = parseApiUrl(rest.apiUrl).href.replace(/\/$/, '');
    if (rest.nameTemplate === '') rest.nameTemplate = null;
    const nameProblem = rest.nameTemplate ? nameTemplateProblem(rest.nameTemplate) : undefined;
    if (nameProblem) throw new AppError('USAGE', nameProblem);
    const next = storedSettingsSchema.parse({ ...this.current, ...rest, ...(clientLabel !== undefined ? { clientCohort: cohortOf(clientLabel) } : {}) });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(temporary, this.file);
    this.current = next;
    return this.get();
  }

  private load(): StoredSettings {
    try {
      const stored = storedSettingsSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
      return RETIRED_DEFAULT_API_URLS.has(stored.apiUrl) ? { ...stored, apiUrl: DEFAULT_API_URL } : stored;
    } catch {
      return storedSettingsSchema.parse({});
    }
  }
}
