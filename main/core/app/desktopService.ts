import { randomBytes } from 'node:crypto';
import type { JobRouteView } from '../jobs/jobReport.js';
import path from 'node:path';
import { guessPair, type JobReport } from '../jobs/jobReport.js';
import { AppError } from '../errors.js';
import { errorForPeople } from '../errorWords.js';
import { formatLabel, inputFormatFromName, inputKind, type InputFormat, type OutputFormat } from '../formats.js';
import { expandInputs, fileSize, type InputEntry } from '../inputFiles.js';
import { selectInputs, type OutputMemory } from '../queue/folderInputs.js';
import { smartTargetForKind } from '../engine/plan/smartTarget.js';
import { planFiles, smartChoiceFor, type FilePlan } from './dropPlan.js';
import { estimateOutputSize, type SizeEstimate } from '../engine/plan/sizeEstimate.js';

/** A preset's estimated output size for one file before Start. */
export type PresetEstimate = SizeEstimate & { preset: string };
import type { MediaProber } from '../engine/ports.js';
import type { JobSnapshot } from '../jobs/jobState.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { ClaimedJob, LaunchedJob } from '../queue/jobLauncher.js';
import type { QueuedJob } from '../queue/ports.js';
import type { BatchSpec, DiscardReport, InterruptedBatch } from '../queue/persistentQueue.js';
import type { JobIdSource } from '../jobs/jobIds.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { TelemetryStore } from '../telemetry/ports.js';
import { buildStats, DAY_MS, dayOf, type Stats } from '../telemetry/stats.js';
import { BatchTracker, type BatchOutcome } from './batchTracker.js';
import type { SettingsStore } from './settingsStore.js';
import { assertOptionsFit, describeOptions, normalizeOptions, type ConflictPolicy, type ConversionOptions } from '../engine/plan/conversionOptions.js';
import { allPresets, findPreset, presetId, type Preset, type PresetStore } from '../presets/presets.js';
import { withPreset } from '../engine/run/outputName.js';
import type { MediaFacts } from '../engine/identify/mediaFacts.js';
import { FINISHED_STATUSES, finishedRowOf, type JobHistoryStore } from './jobHistory.js';
import type { ThumbnailSource } from './thumbnails.js';
import type { CommittedFile } from '../fileIdentity.js';
import { settingsSpeed, withDefaultSpeed } from './defaultSpeed.js';

/** The durable queue as the desktop needs it (PersistentQueue implements it). */
export interface DurableQueue {
  submit(spec: BatchSpec): { batchKey: string; resumed: boolean; jobs: QueuedJob[] };
  /** The outputs this app wrote (folder drops skip them, and inputs already converted). */
  outputs: OutputMemory;
  /** Stored jobs of the window's own batches waiting to run (after recovery: what a crash or a quit left). */
  queuedJobs(): QueuedJob[];
  /** Command-line batches that were interrupted or stopped: listed, resumed only when the user asks. */
  interruptedBatches(): InterruptedBatch[];
  /** The queued jobs of one batch, to resume it (it is no longer marked as stopped). */
  batchJobs(batchKey: string): QueuedJob[];
  /** Gives up interrupted command-line batches (all, or one): partial files removed, jobs cancelled, outputs in place kept. */
  discardInterrupted(batchKey?: string): DiscardReport;
  /** Claims the jobs for this process in one transaction: undefined where another process owns one. */
  claim(jobs: readonly QueuedJob[]): (ClaimedJob | undefined)[];
  /**
   * The claimed jobs wait in the launcher, in order, each routed when a slot could take it (the router then sees
   * the backlog and the timings finished so far); `id` is the job's row, which its scheduler job takes.
   */
  admit(claims: readonly (ClaimedJob & { id: number })[], hooks: RowHooks): void;
  /** Puts a job not routed yet just before another one not routed yet (last without one). */
  moveWaiting(jobId: number, beforeJobId: number | undefined): boolean;
  /** Looks at the waiting jobs again now (one was cancelled, or the app quits). */
  wake(): void;
  /** While held (paused), no waiting job is routed. */
  hold(held: boolean): void;
}

/** What the window hears of each job it admitted, by the job's row id. */
export interface RowHooks {
  /** Called once with its report. */
  onEnd(id: number, report: JobReport): void;
  /** Routed: the scheduler it runs on (under the row's id) and its process control. */
  onStarted(id: number, launched: LaunchedJob): void;
  /** It waits for another process converting the same file (that process's pid). */
  onWaiting(id: number, ownerPid: number): void;
  /** No longer wanted before it was routed: it ends as a cancelled job does. */
  stopped(id: number): boolean;
  /** A cancelled job goes back to the queue (quitting) instead of ending cancelled. */
  requeueOnCancel(): boolean;
}

/** Why a file of a drop got no row of its own: every file of a drop is accounted for. */
function notLaunchedReason(job: QueuedJob): string {
  if (job.report) return job.report.notes[0] ?? (job.report.output ? `Already converted to ${job.report.output}.` : 'Already handled.');
  if (job.ownerPid !== null) return `Being converted by convertr, process ${job.ownerPid}.`;
  return 'Already in the queue.';
}

export interface JobViewData {
  id: number;
  batchId: number;
  input: string;
  name: string;
  target: OutputFormat;
  pair: string;
  mode: 'local' | 'hosted';
  /** `skipped`: ended without converting on purpose (the conflict policy); its reason is the first note. */
  status: 'queued' | 'running' | 'paused' | 'succeeded' | 'skipped' | 'failed' | 'cancelled';
  /** Set while paused on a running job whose work cannot be suspended (it finishes this file). */
  pauseNote: string | null;
  progress: number;
  etaSeconds: number | null;
  inputBytes: number | null;
  outputBytes: number | null;
  output: string | null;
  notes: string[];
  /** The message in plain words, what to do, and the original words (`detail`) for support. */
  error: { code: string; message: string; advice?: string; detail?: string } | null;
  finishedAt: number | null;
  /** The preset the row converts with, when one was picked. */
  preset: string | null;
  /** Options that differ from the defaults, in words ("under 25 MB, 1280 px"); empty when none. */
  optionsSummary: string;
  /** The options the job converts with (a Retry converts with them again); null on rows kept before they were. */
  options: ConversionOptions | null;
  /** Picture size and length of the input and of the output, once the job has read them; null until then (and for hosted jobs). */
  inputFacts: MediaFacts | null;
  outputFacts: MediaFacts | null;
  /** Hybrid: why the row runs where it does, with its predicted and actual cost. */
  route?: JobRouteView | null;
  /** A row that ended without a result: what its bytes are, null when no media (JobReport.inputFormat). */
  inputFormat?: InputFormat | null;
}

/**
 * What a drop or a Retry converts with: a preset's id (its target is the default target), options set by hand
 * for the row (over the preset's), and the conflict policy.
 */
export interface RowChoice {
  preset?: string | null;
  options?: Partial<ConversionOptions>;
  onConflict?: ConflictPolicy;
}

/** Where a queued row goes: one place up or down, first, or beside another queued row (where it was dropped). */
export type MoveWhere = 'up' | 'down' | 'top' | { before: number } | { after: number };

export interface DesktopEvents {
  jobUpdated(view: JobViewData): void;
  batchFinished(outcome: BatchOutcome): void;
}

export interface DesktopServiceDeps {
  queue: DurableQueue;
  /** Every scheduler jobs may run on (local, hosted), all taking their job ids from `ids`. */
  schedulers: Scheduler<ConversionResult>[];
  /** The one id space for jobs, shared with the schedulers: skipped rows and history rows without an id take theirs here. */
  ids: JobIdSource;
  telemetry: TelemetryStore;
  settings: SettingsStore;
  events: DesktopEvents;
  now: () => number;
  /** The user's own presets (the built-ins come with the app). */
  presets: PresetStore;
  /** Finished rows kept across restarts until cleared; none kept when absent. */
  history?: JobHistoryStore;
  /** Row pictures, made when the window shows a row; none when absent. */
  thumbnails?: ThumbnailSource;
  /** Reads the streams of a file Smart would leave alone, to say why (damaged, HDR); the reason is plainer without. */
  prober?: MediaProber;
}

/**
 * What the window can ask of the engine (the invoke channels of preload/contract.ts), free of Electron so
 * that the desktop shell and the web host serve the same behaviour.
 */
export class DesktopService {
  private readonly views = new Map<number, JobViewData>();
  /** Rows whose job is routed and not ended: its scheduler (the job has the row's id there) and its process control. */
  private readonly runOf = new Map<number, LaunchedJob>();
  /** Rows whose job waits in the launcher for its route: the stored job's id. */
  private readonly waitingJobOf = new Map<number, number>();
  /** Waiting rows the user cancelled: the launcher ends them when it looks again. */
  private readonly cancelledRows = new Set<number>();
  private readonly presetOf = new Map<number, string | null>();
  /** The history key of each finished row that is kept. */
  private readonly historyKeyOf = new Map<number, string>();
  /** The output file each finished job committed (device and inode). */
  private readonly committedOf = new Map<number, CommittedFile>();
  private readonly tracker: BatchTracker;
  private paused = false;
  private quitting = false;

  constructor(private readonly deps: DesktopServiceDeps) {
    const firstBatch = this.restoreHistory();
    this.tracker = new BatchTracker((outcome) => deps.events.batchFinished(outcome), firstBatch);
    for (const scheduler of deps.schedulers) scheduler.onUpdate((snapshot) => this.onSnapshot(snapshot));
  }

  /**
   * Shows the finished rows of earlier runs, as they ended and with the ids they had (a row kept from before
   * ids were kept takes a new one); returns the first batch id free for this run.
   */
  private restoreHistory(): number {
    let lastBatch = 0;
    for (const { key, row: { committed, id: keptId, ...row } } of this.deps.history?.list() ?? []) {
      const id = keptId !== undefined && !this.views.has(keptId) ? keptId : this.deps.ids.next();
      this.views.set(id, { ...row, options: row.options ?? null, id, progress: row.status === 'succeeded' ? 1 : 0, etaSeconds: null, pauseNote: null });
      if (committed) this.committedOf.set(id, committed);
      this.historyKeyOf.set(id, key);
      this.presetOf.set(id, row.preset === null ? null : presetId(row.preset));
      lastBatch = Math.max(lastBatch, row.batchId);
    }
    return lastBatch + 1;
  }

  /** The preset picked for a drop or a row, and the options it and the conflict policy make. */
  private choiceOptions(choice: RowChoice): { preset: Preset | undefined; options: ConversionOptions } {
    const preset = choice.preset ? findPreset(choice.preset, allPresets(this.deps.presets.list())) : undefined;
    if (choice.preset && !preset) throw new AppError('USAGE', `There is no preset "${choice.preset}" any more; pick another.`);
    const options = normalizeOptions({ ...(preset?.options ?? {}), ...(choice.onConflict ? { onConflict: choice.onConflict } : {}), ...(choice.options ?? {}) });
    // A preset's own template is the more specific choice; the Settings one names every other conversion of the window.
    const template = options.nameTemplate ?? this.deps.settings.get().nameTemplate;
    if (template) options.nameTemplate = preset ? withPreset(template, preset.id) : template;
    return { preset, options };
  }

  async enqueue(paths: readonly string[], chosenTarget: OutputFormat | null, choice: RowChoice = {}): Promise<{ batchId: number; jobIds: number[]; skipped: { path: string; reason: string }[] }> {
    const { preset, options } = this.choiceOptions(choice);
    const target = chosenTarget ?? preset?.target ?? null;
    if (target) assertOptionsFit(options, target);
    const { entries, emptyFolders, unreadable } = await expandInputs(paths);
    const skipped = emptyFolders.map((folder) => ({ path: folder, reason: 'No supported files in this folder.' }));
    skipped.push(...unreadable.map((item) => ({ path: item.path, reason: item.message })));
    const byTarget = new Map<OutputFormat, InputEntry[]>();
    /** Files Smart leaves as they are: shown as Skipped rows, with the reason, like any finished row. */
    const smartSkips: { path: string; reason: string }[] = [];
    for (const entry of entries) {
      const smart = target ? { target } : await smartChoiceFor(entry.path, this.deps.prober);
      if ('skip' in smart) {
        (inputFormatFromName(entry.path) ? smartSkips : skipped).push({ path: entry.path, reason: smart.skip });
        continue;
      }
      byTarget.set(smart.target, [...(byTarget.get(smart.target) ?? []), entry]);
    }
    const batchId = this.tracker.open();
    const jobIds: number[] = [];
    const settings = this.deps.settings.get();
    for (const [format, group] of byTarget) {
      const formatOptions = withDefaultSpeed(options, format, settingsSpeed(settings));
      const selection = selectInputs(group, format, settings.outputFolder, this.deps.queue.outputs, false, formatOptions);
      for (const report of [...selection.skipped, ...selection.alreadyConverted]) skipped.push({ path: report.input, reason: report.notes[0] ?? 'Skipped.' });
      if (selection.inputs.length === 0) continue;
      const { jobs } = this.deps.queue.submit({ inputs: selection.inputs, target: format, outputDir: settings.outputFolder, cohort: settings.clientCohort, origin: 'window', options: formatOptions });
      const ids = this.admit(jobs, batchId, preset?.name ?? null);
      jobs.forEach((job, i) => {
        const id = ids[i];
        if (id !== undefined) jobIds.push(id);
        else skipped.push({ path: job.inputPath, reason: notLaunchedReason(job) });
      });
    }
    // Every skipped row joins the batch before any ends: a batch of skipped files alone finishes once, with all of them.
    const skippedIds = smartSkips.map((skip) => this.addSkippedRow(batchId, skip.path, skip.reason, preset?.name ?? null, options));
    for (const id of skippedIds) this.tracker.ended({ jobId: id, status: 'skipped', output: null });
    this.tracker.closeIfEmpty(batchId);
    return { batchId, jobIds, skipped };
  }

  /** What each file can become and what Smart would do with it, before Start. */
  /** Each file's plan, with an output size estimate for every preset it could take (where one can be given). */
  async plan(paths: readonly string[]): Promise<(FilePlan & { estimates: PresetEstimate[] })[]> {
    const presets = this.presets();
    const plans = await planFiles(paths, this.deps.prober);
    return plans.map((plan) => ({
      ...plan,
      estimates: plan.measure
        ? presets.flatMap((preset) => {
            const estimate = plan.targets.includes(preset.target) ? estimateOutputSize(plan.measure!, preset.target, preset.options) : null;
            return estimate ? [{ preset: preset.id, ...estimate }] : [];
          })
        : [],
    }));
  }

  list(): { jobs: JobViewData[]; paused: boolean } {
    return { jobs: [...this.views.values()].map((v) => ({ ...v })), paused: this.paused };
  }

  /**
   * Moves a queued row one place up or down among the queued rows, to the top of them, or just before or after
   * another queued row (a drop); the scheduler then starts them in that order. Returns every row's id in list order.
   */
  move(jobId: number, where: MoveWhere): number[] {
    const queued = [...this.views.values()].filter((view) => view.status === 'queued').map((view) => view.id);
    const at = queued.indexOf(jobId);
    const rest = queued.filter((id) => id !== jobId);
    const beside = typeof where === 'object' ? rest.indexOf('before' in where ? where.before : where.after) : -1;
    const to = typeof where === 'object' ? (beside < 0 ? -1 : 'before' in where ? beside : beside + 1) : where === 'top' ? 0 : where === 'up' ? at - 1 : at + 1;
    const scheduler = this.runOf.get(jobId)?.scheduler;
    const waitingJob = this.waitingJobOf.get(jobId);
    if (at >= 0 && to >= 0 && to < queued.length && to !== at && (scheduler || waitingJob !== undefined)) {
      const moved = rest;
      moved.splice(to, 0, jobId);
      const after = moved.slice(to + 1);
      // A row routed already moves among its scheduler's queued jobs; one not routed yet, in the launcher's waiting order.
      if (scheduler) scheduler.moveQueued(jobId, after.find((id) => this.runOf.get(id)?.scheduler === scheduler));
      else this.deps.queue.moveWaiting(waitingJob!, this.waitingJobOf.get(after.find((id) => this.waitingJobOf.has(id)) ?? -1));
      const slots = [...this.views.values()];
      let next = 0;
      const reordered = slots.map((view) => (view.status === 'queued' ? this.views.get(moved[next++]!)! : view));
      this.views.clear();
      for (const view of reordered) this.views.set(view.id, view);
    }
    return [...this.views.keys()];
  }

  cancel(jobId: number): boolean {
    const run = this.runOf.get(jobId);
    if (run) return run.scheduler.cancel(jobId);
    if (!this.waitingJobOf.has(jobId)) return false;
    this.cancelledRows.add(jobId);
    this.deps.queue.wake();
    return true;
  }

  /**
   * Converts a failed or cancelled row again, with another target or preset when the user picked one (a
   * wrong target fails the same way again otherwise). Without another preset it converts with the options
   * the job had, hand-set ones included, after a restart too.
   */
  async retry(jobId: number, change: { target?: OutputFormat; preset?: string | null } = {}): Promise<number> {
    const view = this.views.get(jobId);
    if (!view) throw new AppError('USAGE', 'That job is no longer in the queue.');
    if (view.status !== 'failed' && view.status !== 'cancelled') throw new AppError('USAGE', 'Only a failed or cancelled job can be retried.');
    const keep = change.preset === undefined && view.options !== null;
    const { preset, options } = keep
      ? { preset: undefined, options: normalizeOptions(view.options) }
      : this.choiceOptions({ preset: change.preset !== undefined ? change.preset : this.presetOf.get(jobId) ?? null });
    const presetName = keep ? view.preset : preset?.name ?? null;
    const target = change.target ?? (change.preset ? preset?.target : undefined) ?? view.target;
    const settings = this.deps.settings.get();
    const jobOptions = withDefaultSpeed(options, target, keep ? 'balanced' : settingsSpeed(settings));
    assertOptionsFit(jobOptions, target);
    const { jobs } = this.deps.queue.submit({ inputs: [view.input], target, outputDir: settings.outputFolder, cohort: settings.clientCohort, origin: 'window', options: jobOptions });
    const job = jobs.find((j) => j.state === 'queued');
    if (!job) throw new AppError('USAGE', 'That file is already queued.');
    const [id] = this.admit([job], this.tracker.isOpen(view.batchId) ? view.batchId : this.tracker.open(), presetName);
    if (id === undefined) throw new AppError('USAGE', 'That file is being converted by another Convertr process.');
    this.forget(jobId);
    return id;
  }

  /** Takes one finished row off the list (the file it wrote stays). */
  remove(jobId: number): boolean {
    const view = this.views.get(jobId);
    if (!view) return false;
    if (view.status === 'queued' || view.status === 'running' || view.status === 'paused') throw new AppError('USAGE', 'Cancel the conversion before removing its row.');
    this.forget(jobId);
    return true;
  }

  private forget(jobId: number): void {
    const key = this.historyKeyOf.get(jobId);
    if (key !== undefined) {
      this.deps.history?.remove(key);
      this.historyKeyOf.delete(jobId);
    }
    this.views.delete(jobId);
    this.runOf.delete(jobId);
    this.presetOf.delete(jobId);
    this.committedOf.delete(jobId);
  }

  presets(): Preset[] {
    return allPresets(this.deps.presets.list());
  }

  savePreset(name: string, target: OutputFormat, options: ConversionOptions): Preset {
    return this.deps.presets.save(name, target, options);
  }

  updatePreset(id: string, name: string, target: OutputFormat, options: ConversionOptions): Preset {
    return this.deps.presets.update(id, name, target, options);
  }

  deletePreset(id: string): boolean {
    if (findPreset(id, allPresets([]))?.builtIn) throw new AppError('USAGE', 'A built-in preset cannot be deleted.');
    return this.deps.presets.remove(id);
  }

  clearFinished(): number {
    let removed = 0;
    for (const [id, view] of this.views) {
      if (FINISHED_STATUSES.has(view.status)) {
        this.historyKeyOf.delete(id);
        this.forget(id);
        removed++;
      }
    }
    this.deps.history?.clear();
    return removed;
  }

  /** The picture of a row's file (its output when the input has none, e.g. a HEIC this machine shows no frame of). */
  async thumbnail(jobId: number): Promise<string | null> {
    const view = this.views.get(jobId);
    if (!view || !this.deps.thumbnails) return null;
    return this.deps.thumbnails.thumbnail(view.output ? [view.input, view.output] : [view.input]);
  }

  /** Nothing new starts, and running jobs stop where they are: their processes are suspended (POSIX). */
  pause(): void {
    this.paused = true;
    this.deps.queue.hold(true);
    for (const scheduler of this.deps.schedulers) scheduler.pause();
    for (const [id, { control }] of this.runOf) if (this.views.get(id)?.status === 'running') this.applyPause(id, control.pause());
  }

  resume(): void {
    this.paused = false;
    for (const [id, { control }] of this.runOf) {
      const view = this.views.get(id);
      control.resume();
      if (view && view.status === 'paused') view.status = 'running';
      if (view && view.pauseNote) view.pauseNote = null;
      if (view) this.emit(id);
    }
    for (const scheduler of this.deps.schedulers) scheduler.resume();
    this.deps.queue.hold(false);
  }

  private applyPause(id: number, state: 'running' | 'paused' | 'cannot-pause'): void {
    const view = this.views.get(id);
    if (!view) return;
    if (state === 'paused') view.status = 'paused';
    view.pauseNote = state === 'cannot-pause' ? 'This step cannot pause; the file finishes, then the queue waits.' : null;
    this.emit(id);
  }

  isPaused(): boolean {
    return this.paused;
  }

  outputOf(jobId: number): string | null {
    return this.views.get(jobId)?.output ?? null;
  }

  /** The output a job wrote and what it was when committed (null for rows kept before that was recorded). */
  committedOutputOf(jobId: number): { path: string; committed: CommittedFile | null } | null {
    const output = this.outputOf(jobId);
    return output === null ? null : { path: output, committed: this.committedOf.get(jobId) ?? null };
  }

  stats(windowDays: number): Stats {
    const today = dayOf(this.deps.now());
    return buildStats(this.deps.telemetry.totals(today - windowDays + 1, today), windowDays, today, this.deps.telemetry.runtimes?.((today - windowDays + 1) * DAY_MS, (today + 1) * DAY_MS));
  }

  /** Jobs still queued or running (what a quit must persist). */
  activeCount(): number {
    return [...this.views.values()].filter((v) => v.status === 'queued' || v.status === 'running' || v.status === 'paused').length;
  }

  /**
   * Starts what the window's own earlier run left queued, as one batch. Returns how many jobs were restored.
   * Command-line batches are never started here: `interruptedBatches()` lists them for a Resume button.
   */
  restore(): number {
    return this.launchAll(this.deps.queue.queuedJobs());
  }

  interruptedBatches(): InterruptedBatch[] {
    return this.deps.queue.interruptedBatches();
  }

  /** The user asked to discard an interrupted command-line batch (all of them without a key): nothing resumes it. */
  discardInterrupted(batchKey?: string): DiscardReport {
    return this.deps.queue.discardInterrupted(batchKey);
  }

  /** The user asked to resume an interrupted command-line batch here. Returns how many jobs started. */
  resumeBatch(batchKey: string): number {
    return this.launchAll(this.deps.queue.batchJobs(batchKey));
  }

  private launchAll(jobs: readonly QueuedJob[]): number {
    if (jobs.length === 0) return 0;
    const batchId = this.tracker.open();
    const admitted = this.admit(jobs, batchId).filter((id) => id !== undefined).length;
    this.tracker.closeIfEmpty(batchId);
    return admitted;
  }

  /**
   * Quitting with work left: running jobs are stopped and, like the queued ones, stay in the durable queue
   * for the next start; their partial files are removed. Resolves when nothing runs any more.
   */
  async persistForQuit(): Promise<number> {
    this.quitting = true;
    const active = this.activeCount();
    // Jobs not routed yet stay queued for the next start.
    this.deps.queue.wake();
    for (const scheduler of this.deps.schedulers) {
      scheduler.pause();
      scheduler.cancelAll();
    }
    await Promise.all(this.deps.schedulers.map((scheduler) => scheduler.whenIdle()));
    return active;
  }

  /** A file not converted on purpose, as a finished row with its reason (kept in history like the others). */
  private addSkippedRow(batchId: number, input: string, reason: string, preset: string | null, options: ConversionOptions): number {
    const id = this.deps.ids.next();
    const format = inputFormatFromName(input)!;
    const target = smartTargetForKind(inputKind(format));
    this.views.set(id, {
      id, batchId, input, name: path.basename(input), target, pair: formatLabel(format), mode: 'local', status: 'skipped', pauseNote: null,
      progress: 0, etaSeconds: null, inputBytes: fileSize(input), outputBytes: null, output: null, notes: [reason], error: null,
      finishedAt: this.deps.now(), preset, optionsSummary: '', options, inputFacts: null, outputFacts: null,
    });
    this.presetOf.set(id, preset === null ? null : presetId(preset));
    this.tracker.add(batchId, id);
    this.emit(id);
    if (this.deps.history) {
      const key = randomBytes(8).toString('hex');
      this.deps.history.add(key, finishedRowOf(this.views.get(id)!));
      this.historyKeyOf.set(id, key);
    }
    return id;
  }

  /**
   * Claims the queued jobs and shows a row for each this process won, before any is routed; the launcher routes
   * them when a slot could take them. The row id of each job, undefined where it is not queued or another process owns it.
   */
  private admit(jobs: readonly QueuedJob[], batchId: number, preset: string | null = null): (number | undefined)[] {
    const claims = this.deps.queue.claim(jobs.filter((job) => job.state === 'queued'));
    const rows = new Map<number, number>();
    const admitted = claims.filter((claim) => claim !== undefined).map((claim) => {
      const { job } = claim;
      const id = this.deps.ids.next();
      rows.set(job.id, id);
      this.waitingJobOf.set(id, job.id);
      this.presetOf.set(id, preset === null ? null : presetId(preset));
      this.views.set(id, {
        id, batchId, input: job.inputPath, name: path.basename(job.inputPath), target: job.target,
        pair: guessPair(job.inputPath, job.target), mode: 'local', status: 'queued', pauseNote: null, progress: 0, etaSeconds: null,
        inputBytes: fileSize(job.inputPath), outputBytes: null, output: null, notes: [], error: null, finishedAt: null,
        preset, optionsSummary: describeOptions(job.options), options: job.options, inputFacts: null, outputFacts: null,
      });
      this.tracker.add(batchId, id);
      this.emit(id);
      return { ...claim, id };
    });
    this.deps.queue.admit(admitted, {
      onEnd: (id, report) => this.onEnd(id, report),
      onStarted: (id, launched) => this.onStarted(id, launched),
      onWaiting: (id, ownerPid) => this.onWaiting(id, ownerPid),
      stopped: (id) => this.quitting || this.cancelledRows.has(id),
      requeueOnCancel: () => this.quitting,
    });
    return jobs.map((job) => rows.get(job.id));
  }

  private onStarted(id: number, launched: LaunchedJob): void {
    this.waitingJobOf.delete(id);
    this.runOf.set(id, launched);
    const current = launched.scheduler.get(id);
    if (current) this.onSnapshot(current);
  }

  /** The row says who converts its file meanwhile; it becomes that conversion's result. */
  private onWaiting(id: number, ownerPid: number): void {
    const view = this.views.get(id);
    if (!view) return;
    view.notes = [`Being converted by convertr, process ${ownerPid}.`];
    this.emit(id);
  }

  private onSnapshot(snapshot: JobSnapshot<ConversionResult>): void {
    const view = this.views.get(snapshot.id);
    if (!view) return;
    const control = this.runOf.get(snapshot.id)?.control;
    view.status = snapshot.status === 'running' && control?.state === 'paused' ? 'paused' : snapshot.status;
    view.progress = snapshot.progress;
    view.etaSeconds = snapshot.etaSeconds ?? null;
    if (snapshot.result) {
      view.pair = snapshot.result.pair;
      view.inputBytes = snapshot.result.inputBytes;
      view.outputBytes = snapshot.result.outputBytes;
      view.inputFacts = snapshot.result.inputFacts ?? null;
      view.outputFacts = snapshot.result.outputFacts ?? null;
    }
    this.emit(snapshot.id);
  }

  private onEnd(id: number, report: JobReport): void {
    const view = this.views.get(id);
    this.runOf.delete(id);
    this.waitingJobOf.delete(id);
    this.cancelledRows.delete(id);
    if (view) {
      view.status = report.status;
      view.pauseNote = null;
      // Only files this app wrote can be shown or downloaded; a row the conflict policy skipped wrote none.
      view.output = report.status === 'skipped' ? null : report.output;
      if (report.status === 'succeeded' && report.committed) this.committedOf.set(id, report.committed);
      view.pair = report.pair;
      view.inputFormat = report.inputFormat;
      view.mode = report.mode;
      view.notes = report.notes;
      view.error = report.error && errorForPeople(report.error);
      view.finishedAt = this.deps.now();
      view.progress = report.status === 'succeeded' ? 1 : view.progress;
      this.emit(id);
      // A job cancelled by quitting stays queued for the next start: it is not history.
      if (this.deps.history && !(this.quitting && report.status === 'cancelled')) {
        const key = randomBytes(8).toString('hex');
        this.deps.history.add(key, finishedRowOf(view, this.committedOf.get(id)));
        this.historyKeyOf.set(id, key);
      }
    }
    this.tracker.ended({ jobId: id, status: report.status, output: report.status === 'skipped' ? null : report.output });
  }

  private emit(id: number): void {
    const view = this.views.get(id);
    if (view) this.deps.events.jobUpdated({ ...view, notes: [...view.notes] });
  }
}
