import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { JobReport, RouteFacts } from '../core/jobs/jobReport.js';
import { dataDirectory } from '../core/dataDirectory.js';
import { expandInputs } from '../core/inputFiles.js';
import { selectInputs, unreadableReport } from '../core/queue/folderInputs.js';
import { tuneForBatch } from './v8Tuning.js';
import { batchKeyOf, type FirstClaim } from '../core/queue/persistentQueue.js';
import { cohortOf } from '../core/telemetry/cohort.js';
import { systemClock } from '../../native/createNativeEngine.js';
import type { ConvertArgs, ResumeArgs } from './args.js';
import { UsageError } from './args.js';
import { createRoutedContext, openStores, type RoutedContext } from './context.js';
import { AppError } from '../core/errors.js';
import { withoutToolWords } from '../core/errorWords.js';
import { resolveApiUrl } from '../core/hosted/hostedPlan.js';
import type { BatchRouting } from '../core/hosted/hostedRecords.js';
import { actualCostUsd } from '../core/hosted/hybridDecision.js';
import type { JobRouter, RouteDecision } from '../core/hosted/jobRouter.js';
import { policyFromRecord, routingRecord, type RoutingPolicy } from '../core/hosted/routingPolicy.js';
import { humanLine, jsonLine, summaryLine, type JobSizes } from './formatReport.js';
import { ProgressLines } from './progressLines.js';
import type { CliIo } from './io.js';
import type { DataStores } from '../../native/createDataStores.js';
import { engineOptionsChosen } from '../core/engine/plan/conversionOptions.js';
import { resolveRequest } from './resolveRequest.js';
import { checkCommandFolder } from './appFolders.js';

/** A terminal's status lines, one per converting file, redrawn four times a second; the returned function clears them. */
function startProgress(context: RoutedContext, io: CliIo, total: () => number, finished: () => number): () => void {
  if (!io.stderrIsTty) return () => {};
  const progress = new ProgressLines(() => systemClock.now());
  const route = context.route;
  context.route = (job, moment) => {
    const routed = route(job, moment);
    return routed && { ...routed, converter: progress.watch(routed.converter) };
  };
  const timer = setInterval(() => io.progress(progress.lines(finished(), total(), io.columns()).join('\n')), 250);
  return () => {
    clearInterval(timer);
    context.route = route;
    io.progress('');
  };
}

const usd = (value: number) => `$${value.toFixed(3)}`;

function apiUrlOf(flag: string | undefined): URL {
  try {
    return resolveApiUrl(flag, process.env);
  } catch (error) {
    throw new UsageError((error as AppError).message);
  }
}

function sizesOf(report: JobReport): JobSizes | undefined {
  if (report.status !== 'succeeded' || report.output === null) return undefined;
  try {
    return { inputBytes: statSync(report.input).size, outputBytes: statSync(report.output).size };
  } catch {
    return undefined;
  }
}

/** How finished jobs are printed: `--json` lines, or lines for people (`--verbose`: failures in the tool's words too). */
interface ReportStyle {
  json: boolean;
  verbose: boolean;
}

function printReport(io: CliIo, style: ReportStyle, report: JobReport, facts?: RouteFacts): void {
  io.stdout(style.json ? jsonLine(report, facts) : humanLine(report, facts?.route, sizesOf(report), style.verbose));
}

/** A notice (no keychain, unreachable API) without the tool's words, unless `--verbose`. */
function plainNotice(line: string, verbose: boolean): string {
  return verbose ? line : withoutToolWords(line) ?? line;
}

function policyOf(routing: BatchRouting): RoutingPolicy {
  try {
    return policyFromRecord(routing);
  } catch (error) {
    throw new UsageError((error as AppError).message);
  }
}

/** Hybrid says what it plans to spend before anything is uploaded (the launch loop routes every job synchronously first). */
function announceHybridPlan(context: RoutedContext, router: JobRouter, policy: RoutingPolicy, io: CliIo, reasons: Map<string, RouteDecision | undefined>, jobs: number): () => void {
  let routed = 0;
  let hosted = 0;
  let predicted = 0;
  const route = context.route;
  context.route = (job, moment) => {
    const result = route(job, moment);
    if (!result) return undefined;
    routed++;
    reasons.set(job.inputPath, result.decision);
    if (result.mode === 'hosted') {
      hosted++;
      predicted += result.decision?.predictedCostUsd ?? 0;
    }
    // Jobs are routed as slots take them: the plan is told once the batch's last job has its route.
    if (routed === jobs) {
      const spend = router.monthSpend();
      io.stderr(`Hybrid: ${hosted} of ${routed} job(s) to the hosted API, predicted cost ${usd(predicted)} (reserved; this month ${usd(spend.settledUsd + spend.reservedUsd)} of the ${usd(policy.budgetUsd)} budget).`);
    }
    return result;
  };
  return () => {
    context.route = route;
  };
}

const LOCAL_ROUTING: BatchRouting = { mode: 'local', apiUrl: null, neverUpload: false, budgetUsd: null, stripPhotoMetadata: false };

/**
 * Runs batches from the durable queue, each routed as it was submitted (local, hosted, auto or hybrid),
 * with progress and one line per finished job. Ctrl-C or SIGTERM: running jobs stop (their partial files
 * removed) and stay queued, and the batch is recorded as stopped by the user, so that only the command
 * line resumes it (the window lists it). Ctrl-C is handled from the start, even while the router loads.
 */
async function runBatches(stores: DataStores, batchKeys: string[], style: ReportStyle, io: CliIo, label: string | undefined, onFirstClaim?: (claim: FirstClaim) => void): Promise<JobReport[]> {
  let stopped = false;
  let current: RoutedContext | undefined;
  const cancel = () => {
    stopped = true;
    for (const key of batchKeys) stores.queueStore.setStoppedByUser(key, true);
    current?.schedulers.forEach((s) => s.cancelAll());
  };
  io.onInterrupt(cancel);
  stores.lease.start();
  let finished = 0;
  const started = systemClock.now();
  const now: JobReport[] = [];
  const all: JobReport[] = [];
  try {
    for (const key of batchKeys) {
      if (stopped) break;
      const policy = policyOf(stores.hosted.routing(key) ?? LOCAL_ROUTING);
      const context = await createRoutedContext({ policy, label, stores, env: process.env, notice: (line) => io.stderr(plainNotice(line, style.verbose)) });
      current = context;
      // Jobs waiting for their route are on no scheduler yet.
      const queuedAtStart = stores.queueStore.batch(key).filter((j) => j.state === 'queued').length;
      const total = () => Math.max(queuedAtStart, context.schedulers.reduce((sum, s) => sum + s.list().length, 0));
      const stopProgress = style.json ? () => {} : startProgress(context, io, total, () => finished);
      const hybrid = policy.mode === 'hybrid' ? context.router : undefined;
      // Hybrid's reason for each job of this batch, printed with its line.
      const reasons = new Map<string, RouteDecision | undefined>();
      const stopAnnouncing = hybrid ? announceHybridPlan(context, hybrid, policy, io, reasons, queuedAtStart) : () => {};
      const batch: JobReport[] = [];
      try {
        // Before the first job is routed: an estimate of this machine's time for pairs it has never timed.
        if (hybrid) await hybrid.estimateInputs(stores.queueStore.batch(key).filter((j) => j.state === 'queued'), policy);
        const running = stores.queue.run(key, (job, moment) => context.route(job, moment), (report) => {
          finished++;
          now.push(report);
          batch.push(report);
          const decision = reasons.get(report.input);
          printReport(io, style, report, decision?.reason ? { route: decision.reason, localTiming: decision.localTiming, predictedCostUsd: decision.predictedCostUsd, reservedUsd: decision.reservedUsd } : undefined);
        }, () => stopped, onFirstClaim);
        if (stopped) context.schedulers.forEach((s) => s.cancelAll());
        for (const report of await running) all.push(report);
        if (!stores.queueStore.hasUnfinishedJobs(key)) stores.hosted.forgetRouting(key);
        if (hybrid) {
          const spent = batch.filter((r) => r.mode === 'hosted').reduce((sum, r) => sum + actualCostUsd(r.billableMinutes), 0);
          const month = hybrid.monthSpend();
          io.stderr(`Hosted cost: ${usd(spent)} actual for this batch; this month ${usd(month.settledUsd)} of the ${usd(policy.budgetUsd)} budget.`);
        }
      } finally {
        stopAnnouncing();
        stopProgress();
        current = undefined;
        await context.close();
      }
    }
    if (!style.json) io.stderr(summaryLine(now, systemClock.now() - started));
    const cancelled = now.filter((r) => r.status === 'cancelled');
    return [...all, ...cancelled];
  } finally {
    io.offInterrupt(cancel);
  }
}

/** The hybrid budget: `--budget`, else the monthly budget saved in Settings. */
async function budgetOf(args: ConvertArgs): Promise<number> {
  if (args.budgetUsd !== undefined) return args.budgetUsd;
  const { SettingsStore } = await import('../core/app/settingsStore.js');
  return new SettingsStore(dataDirectory(process.env, process.platform, homedir())).get().hybridBudgetUsd;
}

function reportRecovery(stores: DataStores, io: CliIo): void {
  const recovery = stores.queue.recover();
  if (recovery.requeued + recovery.completed > 0) {
    io.stderr(`Recovered an interrupted run: ${recovery.completed} finished file(s) kept, ${recovery.requeued} file(s) queued again, ${recovery.partialFilesRemoved} partial output(s) removed.`);
  }
}

/**
 * CONVERTR_TIMINGS=1: one stderr line saying how long listing the inputs and queueing them took (seconds
 * since the process started, module loading included), for the benchmarks of large folders.
 */
function timingsLine(env: NodeJS.ProcessEnv, marks: { start: number; listed: number; queued: number }, files: number): string | undefined {
  if (env['CONVERTR_TIMINGS'] !== '1') return undefined;
  const s = (ms: number) => (ms / 1000).toFixed(3);
  return `Timings: ${files} file(s) listed in ${s(marks.listed - marks.start)} s and queued in ${s(marks.queued - marks.listed)} s; queued ${s(marks.queued)} s after the process started.`;
}

/** `convertr convert`: exit 0 when nothing failed (skipped files are not failures), 1 otherwise. */
export async function convertCommand(args: ConvertArgs, io: CliIo): Promise<number> {
  const start = performance.now();
  const apiUrl = args.mode !== 'local' || args.apiUrl !== undefined ? apiUrlOf(args.apiUrl) : undefined;
  if (args.outputDir !== undefined) checkCommandFolder('--out', args.outputDir);
  const { entries, emptyFolders, unreadable } = await expandInputs(args.inputs);
  const listed = performance.now();
  tuneForBatch(entries.length);
  for (const folder of emptyFolders) io.stderr(`No supported files in ${folder}.`);
  if (entries.length === 0 && unreadable.length === 0) throw new UsageError('Nothing to convert: no supported files were found in the inputs given.');

  const stores = openStores();
  try {
    const { target, options } = resolveRequest(args, args.preset === undefined ? [] : stores.presets.list());
    if (args.mode === 'hosted' && engineOptionsChosen(options)) {
      throw new UsageError('The hosted API converts with its own settings: --quality, --max-size, --resize, --strip-metadata, --mono, --audio-bitrate and presets with them need --mode local, auto or hybrid (they then run on this machine).');
    }
    reportRecovery(stores, io);
    const outputDir = args.outputDir ?? null;
    const selection = selectInputs(entries, target, outputDir, stores.queueStore, args.again, options);
    // An interrupted run of the same request resumes: what it already converted is not skipped, just not redone.
    const batchKey = batchKeyOf({ inputs: selection.requested, target, outputDir, options });
    const resuming = stores.queueStore.hasUnfinishedJobs(batchKey);
    const skipped = resuming ? selection.skipped : [...selection.skipped, ...selection.alreadyConverted];
    const unreadableReports = unreadable.map((item) => unreadableReport(item, target));
    for (const report of [...unreadableReports, ...skipped]) printReport(io, args, report);
    const inputs = resuming ? selection.requested : selection.inputs;
    if (inputs.length === 0) {
      if (skipped.length > 0 && !args.json) io.stderr(`Nothing new to convert: ${skipped.length} file(s) skipped.`);
      return unreadableReports.length > 0 ? 1 : 0;
    }
    const batch = stores.queue.submit({ inputs, target, outputDir, cohort: cohortOf(args.label), origin: 'cli', batchKey, options });
    const timings = timingsLine(process.env, { start, listed, queued: performance.now() }, entries.length);
    if (timings) io.stderr(timings);
    // Said after the first claim: a batch another process has just queued looks interrupted until it claims its jobs.
    // The process that queued the batch may still lose every claim to one started at the same moment: it says so too.
    const announce = (claim: FirstClaim) => {
      if (claim.claimedHere === 0 && claim.otherOwner !== undefined) {
        io.stderr(`Another convertr (process ${claim.otherOwner}) is converting these files; waiting for it to finish (${claim.left} of ${batch.jobs.length} file(s) left), and taking over if it stops.`);
      } else if (batch.resumed) {
        io.stderr(`Resuming the interrupted batch: ${claim.left} of ${batch.jobs.length} file(s) left; the ${batch.jobs.length - claim.left} already converted are not converted again.`);
      }
    };
    const policy: RoutingPolicy = {
      mode: args.mode, apiUrl: args.mode === 'local' ? undefined : apiUrl, neverUpload: args.private,
      budgetUsd: args.mode === 'hybrid' ? await budgetOf(args) : 0, stripPhotoMetadata: args.stripLocation,
    };
    stores.hosted.saveRouting(batch.batchKey, routingRecord(policy), Date.now());
    const reports = await runBatches(stores, [batch.batchKey], args, io, args.label, announce);
    const others = new Set(stores.queue.pendingBatches().filter((key) => key !== batch.batchKey));
    if (others.size > 0) io.stderr(`${others.size} other interrupted batch(es) wait; run "convertr resume" to finish them.`);
    const failed = unreadableReports.length > 0 || reports.some((r) => r.status === 'failed' || r.status === 'cancelled');
    return !failed && reports.length === inputs.length ? 0 : 1;
  } finally {
    stores.flushForExit();
  }
}

/** The id `convertr resume` shows for a batch: the start of its key. */
const batchIdOf = (batchKey: string) => batchKey.slice(0, 8);

/** One line per interrupted batch, naming its files. */
function describeBatches(stores: DataStores, keys: readonly string[], io: CliIo): void {
  const batches = new Map([...stores.queue.interruptedBatches('cli'), ...stores.queue.interruptedBatches('window')].map((b) => [b.batchKey, b]));
  for (const key of keys) {
    const batch = batches.get(key);
    if (!batch) continue;
    const where = batch.origin === 'cli' ? 'command line' : 'window';
    io.stderr(`Batch ${batchIdOf(key)} (${where}, to ${batch.target.toUpperCase()}): ${batch.left} of ${batch.total} file(s) left: ${batch.files.join(', ')}`);
  }
}

/**
 * `convertr resume`: names every interrupted batch (those of the command line and of the window) with its files,
 * then finishes them, each routed as it was; `--discard` gives them up instead. A batch id picks one.
 */
export async function resumeCommand(args: ResumeArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    reportRecovery(stores, io);
    const keys = stores.queue.pendingBatches().filter((key) => args.batch === undefined || key.startsWith(args.batch));
    if (keys.length === 0) {
      io.stderr(args.batch === undefined ? 'No interrupted batches.' : `No interrupted batch has the id ${args.batch}.`);
      return args.batch === undefined ? 0 : 1;
    }
    if (args.batch !== undefined && keys.length > 1) throw new UsageError(`The id ${args.batch} matches ${keys.length} batches; give more of it.`);
    describeBatches(stores, keys, io);
    if (args.discard) {
      const totals = keys.map((key) => stores.queue.discard(key)).reduce((sum, r) => ({ discarded: sum.discarded + r.discarded, kept: sum.kept + r.kept, removed: sum.removed + r.partialFilesRemoved }), { discarded: 0, kept: 0, removed: 0 });
      if (args.json) io.stdout(JSON.stringify({ discardedBatches: keys.map(batchIdOf), discardedFiles: totals.discarded, keptOutputs: totals.kept, partialFilesRemoved: totals.removed }));
      io.stderr(`Discarded ${keys.length} batch(es): ${totals.discarded} file(s) will not be converted, ${totals.kept} output(s) already in place kept, ${totals.removed} partial file(s) removed.`);
      return 0;
    }
    for (const key of keys) stores.queueStore.setStoppedByUser(key, false);
    const reports = await runBatches(stores, keys, args, io, undefined);
    return reports.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    stores.flushForExit();
  }
}
