import { z } from 'zod';
import {
  CONFLICT_POLICIES, CONVERSION_MODES, INPUT_FORMATS, JOB_VIEW_STATUSES, MAX_AUDIO_BITRATE_KBPS, MAX_MOMENT_SECONDS, MAX_PRESET_NAME_LENGTH, MAX_RESIZE_PX, MAX_SIZE_LIMIT_BYTES,
  MEDIA_KINDS, MIN_AUDIO_BITRATE_KBPS, MIN_RESIZE_PX, MODE_PREFERENCES, OUTPUT_FORMATS, QUALITIES, SPEEDS, VIDEO_CODECS, planCeiling,
  MAX_NAME_TEMPLATE_LENGTH, nameTemplateProblem, OFFERED_OPTIONS,
} from '../main/core/facts';

/**
 * The one typed contract between the window and the main process (docs/ARCHITECTURE.md): invoke channels with
 * zod schemas for requests and responses, event channels, and the error payload. Types derive from the
 * schemas. No electron, no Node built-ins: the renderer imports this file's types. Every list and limit comes from
 * main/core/facts.ts, the one place core gathers them; the window learns them at run time through `app:facts`.
 */

export const outputFormatSchema = z.enum(OUTPUT_FORMATS);
export type OutputFormatView = z.infer<typeof outputFormatSchema>;
export const mediaKindSchema = z.enum(MEDIA_KINDS);
export type MediaKindView = z.infer<typeof mediaKindSchema>;
export const modeSchema = z.enum(MODE_PREFERENCES);
export type ModeView = z.infer<typeof modeSchema>;
const conversionModeSchema = z.enum(CONVERSION_MODES);
export const windowSchema = z.enum(['1d', '7d', '14d', '30d']);

/** `message` in plain words; `advice`: what to do (from core); `detail`: the tool's or the system's own words. */
export const errorPayloadSchema = z.object({ code: z.string(), message: z.string(), detail: z.string().optional(), advice: z.string().optional() });
export type ErrorPayloadView = z.infer<typeof errorPayloadSchema>;

const pathSchema = z.string().min(1).max(4096);
const jobIdSchema = z.number().int().positive();

/** Picture size (as viewed) and length of a file; null where it has none or it is not known. */
export const mediaFactsSchema = z.object({ width: z.number().int().positive().nullable(), height: z.number().int().positive().nullable(), durationSeconds: z.number().positive().nullable() });
export type MediaFactsView = z.infer<typeof mediaFactsSchema>;

export const jobViewSchema = z.object({
  id: jobIdSchema,
  batchId: z.number().int().positive(),
  input: z.string(),
  name: z.string(),
  target: outputFormatSchema,
  pair: z.string(),
  mode: conversionModeSchema,
  /** `paused`: a running job whose processes are suspended. `skipped`: not converted on purpose (the reason is the first note). */
  status: z.enum(JOB_VIEW_STATUSES),
  /** While paused: why this running job cannot pause (it finishes its file). */
  pauseNote: z.string().nullable(),
  progress: z.number().min(0).max(1),
  etaSeconds: z.number().nullable(),
  inputBytes: z.number().nullable(),
  outputBytes: z.number().nullable(),
  output: z.string().nullable(),
  notes: z.array(z.string()),
  error: errorPayloadSchema.nullable(),
  /** When the job ended (ms since the epoch); null while it has not. */
  finishedAt: z.number().nullable().optional(),
  /** The preset's name, when the row converts with one. */
  preset: z.string().nullable(),
  /** Its options in words ("under 25 MB, 1280 px"); empty when none. */
  optionsSummary: z.string(),
  /** The options the job converts with (a Retry converts with them again); null on rows kept before they were. */
  options: z.lazy(() => conversionOptionsSchema.strip()).nullable().optional(),
  /** The input's and the output's picture size and length, once the job has read them. */
  inputFacts: mediaFactsSchema.nullable().optional(),
  outputFacts: mediaFactsSchema.nullable().optional(),
  /** Hybrid: why the row runs where it does (`hosted-sooner`, `over-budget`, ...), with its predicted and actual cost. */
  route: z.object({
    reason: z.string(),
    localTiming: z.enum(['measured', 'estimated']).nullable(),
    predictedCostUsd: z.number().nullable(),
    reservedUsd: z.number().nullable(),
    costUsd: z.number().nullable(),
  }).nullable().optional(),
  /** A row that ended without a result: what its bytes are, null when they are no media (a text file named .mp4). */
  inputFormat: z.enum(INPUT_FORMATS).nullable().optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** What a picked folder is for: it titles the native dialog. */
export const folderPurposeSchema = z.enum(['output', 'watch', 'done']);
export type FolderPurpose = z.infer<typeof folderPurposeSchema>;

export const qualitySchema = z.enum(QUALITIES);
export type QualityView = z.infer<typeof qualitySchema>;
export const conflictSchema = z.enum(CONFLICT_POLICIES);
export type ConflictView = z.infer<typeof conflictSchema>;

export const nameTemplateSchema = z.string().max(MAX_NAME_TEMPLATE_LENGTH).superRefine((template, context) => {
  const problem = nameTemplateProblem(template);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** Quality, size limit, resize, metadata and conflict policy, as a preset holds them. */
export const conversionOptionsSchema = z.object({
  quality: qualitySchema,
  maxSizeBytes: z.number().int().positive().max(MAX_SIZE_LIMIT_BYTES).optional(),
  resize: z.number().int().min(MIN_RESIZE_PX).max(MAX_RESIZE_PX).optional(),
  stripMetadata: z.boolean(),
  onConflict: conflictSchema,
  mono: z.boolean().optional(),
  audioBitrateKbps: z.number().int().min(MIN_AUDIO_BITRATE_KBPS).max(MAX_AUDIO_BITRATE_KBPS).optional(),
  at: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  from: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  until: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  speed: z.enum(SPEEDS).optional(),
  videoCodec: z.enum(VIDEO_CODECS).optional(),
  normalize: z.boolean().optional(),
  /** The output's name before its extension, such as "{name}-{preset}"; the input's name when absent. */
  nameTemplate: nameTemplateSchema.optional(),
}).strict();
export type ConversionOptionsView = z.infer<typeof conversionOptionsSchema>;

export const presetViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: outputFormatSchema,
  /** The kind of file it makes (its target's): a preset applies to the inputs that can become that kind. */
  kind: mediaKindSchema,
  options: conversionOptionsSchema,
  builtIn: z.boolean(),
  /** "MP4, under 25 MB, 1280 px". */
  summary: z.string(),
});
export type PresetView = z.infer<typeof presetViewSchema>;
const presetIdSchema = z.string().min(1).max(200);
const presetInputSchema = z.object({ name: z.string().trim().min(1, 'A preset needs a name.').max(MAX_PRESET_NAME_LENGTH), target: outputFormatSchema, options: conversionOptionsSchema }).strict();

export const pairStatsSchema = z.object({
  pair: z.string(),
  requests: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  successRate: z.number().nullable(),
  errorRate: z.number().nullable(),
  avgRuntimeMs: z.number().nullable(),
  avgRuntime: z.string().nullable(),
  p50RuntimeMs: z.number().nullable().optional(),
  p95RuntimeMs: z.number().nullable().optional(),
  byMode: z.array(z.object({ mode: conversionModeSchema, succeeded: z.number(), avgRuntimeMs: z.number().nullable(), p50RuntimeMs: z.number().nullable(), p95RuntimeMs: z.number().nullable() })).optional(),
  billableMinutes: z.number(),
  window: z.string(),
});

export const statsSchema = z.object({
  window: z.string(),
  windowDays: z.number(),
  coveredDays: z.number(),
  totalRequests: z.number(),
  cohorts: z.number(),
  mostUsedPair: z.string().nullable(),
  pairs: z.array(pairStatsSchema),
  days: z.array(z.object({ date: z.string(), succeeded: z.number(), failed: z.number(), cancelled: z.number() })),
  billableMinutes: z.number(),
  /** Time the successful conversions took (paused time left out); billable minutes are the plan's rule, not this. */
  timeSpentMs: z.number().optional(),
  hostedCost: z.number(),
  localSaving: z.number(),
  /** Whether the hosted API plays any part (a hosted mode chosen, hosted jobs or spend): cohorts are shown only then. */
  hostedInUse: z.boolean().optional(),
  /** This calendar month's hosted spend against the hybrid budget (only with hybrid chosen or money spent). */
  hostedSpend: z.object({ month: z.string(), spentUsd: z.number(), reservedUsd: z.number(), budgetUsd: z.number() }).optional(),
});
export type StatsView = z.infer<typeof statsSchema>;

/** Jobs at once per kind: at least 1, at most the hosted plan's ceiling where it sets one. */
function laneSchema(ceiling: number | null) {
  const count = z.number().int().min(1);
  return ceiling === null ? count : count.max(ceiling);
}
export const concurrencySchema = z.object({ video: laneSchema(planCeiling('video')), audio: laneSchema(planCeiling('audio')), image: laneSchema(planCeiling('image')) });

const rangeSchema = z.object({ min: z.number(), max: z.number() });
const kindsRecord = <T extends z.ZodType>(value: T) => z.object({ video: value, audio: value, image: value });
const offeredByTargetSchema = z.record(outputFormatSchema, z.object(Object.fromEntries(OFFERED_OPTIONS.map((option) => [option, z.boolean()])) as Record<(typeof OFFERED_OPTIONS)[number], z.ZodBoolean>));

/** What the window offers and checks, as core defines it (main/core/facts.ts): no component keeps a list of its own. */
export const appFactsSchema = z.object({
  kinds: z.array(mediaKindSchema),
  outputFormats: z.array(z.object({ format: outputFormatSchema, kind: mediaKindSchema, label: z.string(), sizeLimit: z.boolean() })),
  /** What a file can become by the kind its streams make it (a row's picker can offer only these). */
  targetsByInputKind: kindsRecord(z.array(outputFormatSchema)),
  inputFormats: z.array(z.object({ format: z.enum(INPUT_FORMATS), kind: mediaKindSchema, label: z.string(), targets: z.array(outputFormatSchema) })),
  smartTargets: kindsRecord(outputFormatSchema),
  modes: z.array(modeSchema),
  conversionModes: z.array(conversionModeSchema),
  jobStatuses: z.array(z.enum(JOB_VIEW_STATUSES)),
  /** null: the plan sets no ceiling for that kind. */
  planCeilings: kindsRecord(z.number().int().positive().nullable()),
  options: z.object({
    qualities: z.array(qualitySchema),
    conflictPolicies: z.array(conflictSchema),
    resizePx: rangeSchema,
    audioBitrateKbps: rangeSchema,
    maxSizeBytes: z.object({ max: z.number() }),
    atSeconds: z.object({ min: z.number(), max: z.number(), targets: z.array(outputFormatSchema) }),
    speeds: z.array(z.enum(SPEEDS)),
    videoCodecs: z.array(z.enum(VIDEO_CODECS)),
    /** The options each conversion takes, by target, for an input not known yet (`any`), for each kind, and for a picture that moves (`animation`); the window offers only those. */
    offered: z.object({ any: offeredByTargetSchema, video: offeredByTargetSchema, audio: offeredByTargetSchema, image: offeredByTargetSchema, animation: offeredByTargetSchema }),
    bytesPerMb: z.number(),
    nameTemplate: z.object({ placeholders: z.array(z.string()), maxLength: z.number().int().positive() }),
  }),
  presetNameMaxLength: z.number().int().positive(),
});
export type AppFactsView = z.infer<typeof appFactsSchema>;

export const onDropSchema = z.enum(['start', 'review']);

export const settingsSchema = z.object({
  mode: modeSchema,
  apiUrl: z.string().url(),
  /** Only the hash of the client label is kept; the label itself is never stored. */
  clientCohort: z.string().nullable(),
  notifications: z.boolean(),
  /** null: beside each input. */
  outputFolder: pathSchema.nullable(),
  concurrency: concurrencySchema,
  /** Hybrid routing: the most hosted jobs may spend in a calendar month, in USD. */
  hybridBudgetUsd: z.number().min(0),
  /** Strip GPS and camera serial numbers from photos before upload. */
  stripPhotoLocation: z.boolean(),
  /** The service's `anonymous_api_client_cohort` after registration, to quote to support. */
  serviceCohort: z.string().nullable(),
  /** A client label is kept in the keychain (and sent as X-Convertr-Client-Label). */
  clientLabelSet: z.boolean(),
  /** What dropped files do: start converting at once, or wait as pending rows for Start. */
  onDrop: onDropSchema,
  /** The output name template of the window's conversions ("{name}-{preset}"); null: the input's name. */
  nameTemplate: z.string().nullable().optional(),
  /** The video encoder's speed for conversions whose preset or row chooses none. */
  encodingSpeed: z.enum(SPEEDS),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsUpdateSchema = z.object({
  mode: modeSchema,
  apiUrl: z.string().url(),
  /** Hashed to a cohort on arrival; '' clears it. */
  clientLabel: z.string().max(200),
  notifications: z.boolean(),
  outputFolder: pathSchema.nullable(),
  concurrency: concurrencySchema,
  hybridBudgetUsd: z.number().min(0).max(1_000_000),
  stripPhotoLocation: z.boolean(),
  onDrop: onDropSchema,
  /** '' or null: the input's name. */
  nameTemplate: z.union([z.literal(''), nameTemplateSchema]).nullable(),
  encodingSpeed: z.enum(SPEEDS),
}).partial().strict();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export const batchSummarySchema = z.object({
  batchId: z.number().int().positive(),
  total: z.number(),
  succeeded: z.number(),
  skipped: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  /** Folder of the first output, to reveal. */
  outputFolder: z.string().nullable(),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

const empty = z.object({}).strict();

/** A command-line batch that was interrupted or stopped: the window offers to resume it, never does so by itself. */
export const interruptedBatchSchema = z.object({
  batchKey: z.string().regex(/^[0-9a-f]{32}$/),
  origin: z.enum(['cli', 'window']),
  stoppedByUser: z.boolean(),
  createdAt: z.number(),
  target: outputFormatSchema,
  total: z.number().int(),
  left: z.number().int(),
  /** The inputs still to convert. */
  files: z.array(z.string()),
});
export type InterruptedBatchView = z.infer<typeof interruptedBatchSchema>;
const ruleIdSchema = z.number().int().positive();

/** A batch-folder rule as the window edits it. */
export const folderRuleInputSchema = z.object({
  inputFolder: pathSchema,
  target: outputFormatSchema,
  /** null: a "converted" folder inside the watched one (never watched itself). */
  outputFolder: pathSchema.nullable(),
  recursive: z.boolean(),
  include: z.array(z.string().min(1).max(200)).max(50),
  exclude: z.array(z.string().min(1).max(200)).max(50),
  /** null: keep the originals where they are. */
  doneFolder: pathSchema.nullable(),
  /** Where its files convert (default local); the API URL and hybrid budget come from the settings. */
  mode: modeSchema.optional(),
  /** No byte of this folder is uploaded, whatever the mode. */
  neverUpload: z.boolean().optional(),
  /** A hosted rule with the API unreachable: convert here (default), or leave the files until it answers. */
  whenOffline: z.enum(['local', 'wait']).optional(),
  /** Quality, size limit, resize, metadata, mono, bitrate and conflict policy for every file; omitted: the rule keeps the ones it has. */
  options: conversionOptionsSchema.optional(),
  /** The preset the rule was made from (a name shown beside it); omitted: kept, null: none. */
  preset: z.string().trim().min(1).max(200).nullable().optional(),
}).strict();
export type FolderRuleInput = z.infer<typeof folderRuleInputSchema>;

export const folderRuleViewSchema = z.object({
  id: ruleIdSchema,
  inputFolder: z.string(),
  outputFolder: z.string(),
  target: outputFormatSchema,
  recursive: z.boolean(),
  include: z.array(z.string()),
  exclude: z.array(z.string()),
  doneFolder: z.string().nullable(),
  mode: modeSchema.optional(),
  neverUpload: z.boolean().optional(),
  whenOffline: z.enum(['local', 'wait']).optional(),
  options: conversionOptionsSchema,
  preset: z.string().nullable(),
  /** Its options in words ("under 25 MB, 1024 px"); empty when they are the defaults. */
  optionsSummary: z.string(),
  enabled: z.boolean(),
  running: z.boolean(),
  lastActivityAt: z.number().nullable(),
  converted: z.number(),
  failed: z.number(),
  inProgress: z.number(),
  failures: z.array(z.object({ path: z.string(), code: z.string(), message: z.string(), at: z.number() })),
});
export type FolderRuleView = z.infer<typeof folderRuleViewSchema>;

/** `options`: set by hand on the row (null: the preset's, or the defaults). */
const reviewRowSchema = z.object({ path: pathSchema, target: outputFormatSchema.nullable(), preset: presetIdSchema.nullable(), options: conversionOptionsSchema.nullable().optional() }).strict();
export type ReviewRowView = z.infer<typeof reviewRowSchema>;

const filePlanSchema = z.object({
  path: z.string(),
  kind: mediaKindSchema.nullable(),
  /** A picture that moves (an animated GIF, WEBP or PNG): it takes the options of `offered.animation`. */
  animated: z.boolean().optional(),
  targets: z.array(outputFormatSchema),
  smart: z.union([z.object({ target: outputFormatSchema }), z.object({ skip: z.string() })]),
  /** Estimated output size per preset this file can take (`atMost`: the preset's size limit caps it). */
  estimates: z.array(z.object({ preset: z.string(), bytes: z.number().nonnegative(), atMost: z.boolean() })).default([]),
});
export type FilePlanView = z.infer<typeof filePlanSchema>;

export const invokeChannels = {
  'app:info': { request: empty, response: z.object({ version: z.string(), ffmpeg: z.string() }) },
  /** Formats, pairs, modes, states, plan ceilings and option limits, from core: the window keeps no copy of them. */
  'app:facts': { request: empty, response: appFactsSchema },
  'queue:enqueue': {
    /** `options`: set by hand for these files (a review row's), over the preset's. */
    request: z.object({ paths: z.array(pathSchema).min(1).max(100_000), target: outputFormatSchema.nullable(), preset: presetIdSchema.nullable().optional(), options: conversionOptionsSchema.optional(), onConflict: conflictSchema.optional() }).strict(),
    response: z.object({ batchId: z.number().int().positive(), jobIds: z.array(jobIdSchema), skipped: z.array(z.object({ path: z.string(), reason: z.string() })) }),
  },
  /** Before Start: each file's kind (from its content where it can be read), what it can become, and what Smart would do with it. */
  'queue:plan': {
    request: z.object({ paths: z.array(pathSchema).min(1).max(10_000) }).strict(),
    response: z.object({ plans: z.array(filePlanSchema) }),
  },
  /** The review list kept in the data folder (files waiting for Start, each with its target and preset). */
  'review:get': { request: empty, response: z.object({ rows: z.array(reviewRowSchema) }) },
  'review:set': { request: z.object({ rows: z.array(reviewRowSchema).max(100_000) }).strict(), response: z.object({ saved: z.literal(true) }) },
  'queue:get': { request: empty, response: z.object({ jobs: z.array(jobViewSchema), paused: z.boolean() }) },
  'queue:cancel': { request: z.object({ jobId: jobIdSchema }).strict(), response: z.object({ cancelled: z.boolean() }) },
  /** Another target or preset may be picked for the new attempt (null: no preset). */
  /** `mode: 'local'`: "Convert on this computer" for a failed hosted row; nothing is uploaded. */
  'queue:retry': { request: z.object({ jobId: jobIdSchema, target: outputFormatSchema.optional(), preset: presetIdSchema.nullable().optional(), mode: z.literal('local').optional() }).strict(), response: z.object({ jobId: jobIdSchema }) },
  /** A queued row one place up or down among the queued rows, first of them, or just before or after another (a drop): the order they start in. Answers every row's id in order. */
  'queue:move': {
    request: z.object({ jobId: jobIdSchema, where: z.union([z.enum(['up', 'down', 'top']), z.object({ before: jobIdSchema }).strict(), z.object({ after: jobIdSchema }).strict()]) }).strict(),
    response: z.object({ order: z.array(jobIdSchema) }),
  },
  'queue:remove': { request: z.object({ jobId: jobIdSchema }).strict(), response: z.object({ removed: z.boolean() }) },
  /** A small picture of a row's file (a video's frame, the image), made when the row is shown; null when it has none. */
  'queue:thumbnail': { request: z.object({ jobId: jobIdSchema }).strict(), response: z.object({ url: z.string().startsWith('data:image/').nullable() }) },
  'presets:list': { request: empty, response: z.object({ presets: z.array(presetViewSchema) }) },
  'presets:save': { request: presetInputSchema, response: presetViewSchema },
  'presets:update': { request: presetInputSchema.extend({ id: presetIdSchema }).strict(), response: presetViewSchema },
  'presets:delete': { request: z.object({ id: presetIdSchema }).strict(), response: z.object({ deleted: z.boolean() }) },
  'queue:clearFinished': { request: empty, response: z.object({ removed: z.number().int() }) },
  'queue:pause': { request: empty, response: z.object({ paused: z.literal(true) }) },
  'queue:resume': { request: empty, response: z.object({ paused: z.literal(false) }) },
  'queue:interrupted': { request: empty, response: z.object({ batches: z.array(interruptedBatchSchema) }) },
  'queue:resumeBatch': { request: z.object({ batchKey: z.string().regex(/^[0-9a-f]{32}$/) }).strict(), response: z.object({ started: z.number().int() }) },
  /** Gives up an interrupted command-line batch: its partial files removed, its jobs cancelled, outputs already in place kept. */
  'queue:discardInterrupted': {
    request: z.object({ batchKey: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
    response: z.object({ discarded: z.number().int(), kept: z.number().int(), partialFilesRemoved: z.number().int() }),
  },
  'stats:get': { request: z.object({ window: windowSchema }).strict(), response: statsSchema },
  'settings:get': { request: empty, response: settingsSchema },
  'settings:set': { request: settingsUpdateSchema, response: settingsSchema },
  'account:register': {
    request: z.object({ name: z.string().min(1).max(200), email: z.string().email(), password: z.string().min(8).max(200) }).strict(),
    response: z.object({ cohort: z.string().nullable(), keychain: z.enum(['stored', 'session-only']) }),
  },
  /** Signs in with a token the user already has (`id|secret`): kept in the OS keychain like a registered one, never in settings. */
  'account:signIn': {
    request: z.object({ token: z.string().min(1).max(400) }).strict(),
    response: z.object({ apiOrigin: z.string(), keychain: z.enum(['stored', 'session-only']) }),
  },
  'account:logout': { request: empty, response: z.object({ loggedOut: z.boolean() }) },
  /** What to quote to support about a failed hosted job: never the token or the raw label. */
  'support:info': { request: z.object({ jobId: jobIdSchema }).strict(), response: z.object({ text: z.string() }) },
  'folders:list': { request: empty, response: z.object({ rules: z.array(folderRuleViewSchema) }) },
  'folders:add': { request: folderRuleInputSchema, response: z.object({ id: ruleIdSchema }) },
  'folders:update': { request: folderRuleInputSchema.extend({ id: ruleIdSchema }).strict(), response: z.object({ id: ruleIdSchema }) },
  'folders:setEnabled': { request: z.object({ id: ruleIdSchema, enabled: z.boolean() }).strict(), response: z.object({ enabled: z.boolean() }) },
  'folders:retry': { request: z.object({ id: ruleIdSchema }).strict(), response: z.object({ retried: z.number().int() }) },
  'folders:remove': { request: z.object({ id: ruleIdSchema }).strict(), response: z.object({ removed: z.boolean() }) },
  'output:reveal': { request: z.object({ jobId: jobIdSchema }).strict(), response: z.object({ revealed: z.boolean() }) },
  'dialog:chooseFiles': { request: z.object({ folders: z.boolean() }).strict(), response: z.object({ paths: z.array(z.string()) }) },
  /** The desktop app's native folder picker (null: cancelled); the browser window types the path instead. */
  'dialog:chooseFolder': { request: z.object({ purpose: folderPurposeSchema }).strict(), response: z.object({ path: z.string().nullable() }) },
} as const;

export const eventChannels = {
  'job:update': jobViewSchema,
  'batch:finished': batchSummarySchema,
  'settings:changed': settingsSchema,
  /** A batch-folder rule converted or failed a file, or changed state. */
  'folders:changed': z.object({}),
  /** The user clicked a batch's notification: show that batch. */
  'batch:show': z.object({ batchId: z.number().int().positive() }),
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type InvokeResult<C extends InvokeChannel> = { ok: true; value: InvokeResponse<C> } | { ok: false; error: ErrorPayloadView };
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventChannels)[E]>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannels) as EventChannel[];

/** What preload/index.ts puts on `window.convertr`. */
export interface ConvertrBridge {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResult<C>>;
  /** Subscribes to an event channel; returns the function that unsubscribes. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Paths the engine can open for files dropped on the window: their real paths in the desktop app
   * (Electron's webUtils.getPathForFile), copies uploaded to the host's inbox in the browser.
   */
  pathsForDroppedFiles(files: readonly File[]): Promise<string[]>;
}
