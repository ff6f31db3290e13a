import type { JobReport } from '../core/batch.js';
import { expandInputs } from '../core/inputFiles.js';
import { selectInputs, unreadableReport } from '../core/queue/folderInputs.js';
import { batchKeyOf } from '../core/queue/persistentQueue.js';
import { cohortOf } from '../core/telemetry/cohort.js';
import { systemClock } from '../../native/createNativeEngine.js';
import type { ConvertArgs, ResumeArgs } from './args.js';
import { UsageError } from './args.js';
import { createRoutedContext, openStores, type RoutedContext } from './context.js';
import { AppError } from '../core/errors.js';
import { resolveApiUrl } from '../core/hosted/hostedPlan.js';
import type { ModePreference } from '../core/hosted/routing.js';
import { humanLine, jsonLine, summaryLine } from './formatReport.js';
import type { CliIo } from './io.js';
import type { DataStores } from '../../native/createDataStores.js';

function startProgress(context: RoutedContext, io: CliIo, total: () => number, finished: () => number): () => void {
  if (!io.stderrIsTty) return () => {};
  const timer = setInterval(() => {
    const running = context.schedulers.flatMap((s) => s.list()).filter((j) => j.status === 'running');
    const detail = running.map((j) => `${Math.round(j.progress * 100)}%${j.etaSeconds !== undefined ? ` (${Math.ceil(j.etaSeconds)}s left)` : ''}`).join('  ');
    io.progress(`[${finished()}/${total()}] ${detail}`);
  }, 250);
  return () => {
    clearInterval(timer);
    io.progress('');
  };
}

/** Runs batches from the durable queue with progress, Ctrl-C handling and one line per finished job. */
interface Routing {
  mode: ModePreference;
  apiUrl: string | undefined;
  label: string | undefined;
}

function apiUrlOf(flag: string | undefined): URL {
  try {
    return resolveApiUrl(flag, process.env);
  } catch (error) {
    throw new UsageError((error as AppError).message);
  }
}

function printReport(io: CliIo, json: boolean, report: JobReport): void {
  io.progress('');
  io.stdout(json ? jsonLine(report) : humanLine(report));
}

/**
 * Ctrl-C or SIGTERM: running jobs stop (their partial files removed) and stay queued, and the batch is
 * recorded as stopped by the user, so that only the command line resumes it (the window lists it).
 */
async function runBatches(stores: DataStores, batchKeys: string[], json: boolean, io: CliIo, routing: Routing = { mode: 'local', apiUrl: undefined, label: undefined }): Promise<JobReport[]> {
  const context = await createRoutedContext({
    mode: routing.mode,
    apiUrl: routing.mode === 'local' ? undefined : apiUrlOf(routing.apiUrl),
    label: routing.label,
    env: process.env,
    notice: (line) => io.stderr(line),
  });
  let stopped = false;
  const cancel = () => {
    stopped = true;
    for (const key of batchKeys) stores.queueStore.setStoppedByUser(key, true);
    context.schedulers.forEach((s) => s.cancelAll());
  };
  io.onInterrupt(cancel);
  stores.lease.start();
  let finished = 0;
  const total = () => context.schedulers.reduce((sum, s) => sum + s.list().length, 0);
  const stopProgress = json ? () => {} : startProgress(context, io, total, () => finished);
  const started = systemClock.now();
  const now: JobReport[] = [];
  const all: JobReport[] = [];
  try {
    for (const key of batchKeys) {
      if (stopped) break;
      const reports = await stores.queue.run(key, context.route, (report) => {
        finished++;
        now.push(report);
        printReport(io, json, report);
      }, () => stopped);
      all.push(...reports);
    }
    if (!json) io.stderr(summaryLine(now, systemClock.now() - started));
    const cancelled = now.filter((r) => r.status === 'cancelled');
    return [...all, ...cancelled];
  } finally {
    stopProgress();
    io.offInterrupt(cancel);
    await context.close();
  }
}

function reportRecovery(stores: DataStores, io: CliIo): void {
  const recovery = stores.queue.recover();
  if (recovery.requeued + recovery.completed > 0) {
    io.stderr(`Recovered an interrupted run: ${recovery.completed} finished file(s) kept, ${recovery.requeued} file(s) queued again, ${recovery.partialFilesRemoved} partial output(s) removed.`);
  }
}

/** `convertr convert`: exit 0 when nothing failed (skipped files are not failures), 1 otherwise. */
export async function convertCommand(args: ConvertArgs, io: CliIo): Promise<number> {
  if (args.mode !== 'local') apiUrlOf(args.apiUrl);
  const { entries, emptyFolders, unreadable } = await expandInputs(args.inputs);
  for (const folder of emptyFolders) io.stderr(`No supported files in ${folder}.`);
  if (entries.length === 0 && unreadable.length === 0) throw new UsageError('Nothing to convert: no supported files were found in the inputs given.');

  const stores = openStores();
  try {
    reportRecovery(stores, io);
    const outputDir = args.outputDir ?? null;
    const selection = selectInputs(entries, args.target, outputDir, stores.queueStore, args.again);
    // An interrupted run of the same request resumes: what it already converted is not skipped, just not redone.
    const batchKey = batchKeyOf({ inputs: selection.requested, target: args.target, outputDir });
    const resuming = stores.queue.hasUnfinished(batchKey);
    const skipped = resuming ? selection.skipped : [...selection.skipped, ...selection.alreadyConverted];
    const unreadableReports = unreadable.map((item) => unreadableReport(item, args.target));
    for (const report of [...unreadableReports, ...skipped]) printReport(io, args.json, report);
    const inputs = resuming ? selection.requested : selection.inputs;
    if (inputs.length === 0) {
      if (skipped.length > 0 && !args.json) io.stderr(`Nothing new to convert: ${skipped.length} file(s) skipped.`);
      return unreadableReports.length > 0 ? 1 : 0;
    }
    const batch = stores.queue.submit({ inputs, target: args.target, outputDir, cohort: cohortOf(args.label), origin: 'cli', batchKey });
    if (batch.resumed) {
      const left = batch.jobs.filter((j) => j.state === 'queued' || j.state === 'running' || j.state === 'committing').length;
      const owner = stores.queue.ownerOf(batch.batchKey);
      io.stderr(owner !== undefined
        ? `Another convertr (process ${owner}) is converting these files; waiting for it to finish (${left} of ${batch.jobs.length} file(s) left), and taking over if it stops.`
        : `Resuming the interrupted batch: ${left} of ${batch.jobs.length} file(s) left; the ${batch.jobs.length - left} already converted are not converted again.`);
    }
    const reports = await runBatches(stores, [batch.batchKey], args.json, io, { mode: args.mode, apiUrl: args.apiUrl, label: args.label });
    const others = new Set(stores.queue.pendingBatches().filter((key) => key !== batch.batchKey));
    if (others.size > 0) io.stderr(`${others.size} other interrupted batch(es) wait; run "convertr resume" to finish them.`);
    const failed = unreadableReports.length > 0 || reports.some((r) => r.status === 'failed' || r.status === 'cancelled');
    return !failed && reports.length === inputs.length ? 0 : 1;
  } finally {
    stores.close();
  }
}

/** `convertr resume`: finishes every interrupted batch (those of the command line and of the window). */
export async function resumeCommand(args: ResumeArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    reportRecovery(stores, io);
    const keys = stores.queue.pendingBatches();
    if (keys.length === 0) {
      io.stderr('No interrupted batches.');
      return 0;
    }
    for (const key of keys) stores.queueStore.setStoppedByUser(key, false);
    const reports = await runBatches(stores, keys, args.json, io);
    return reports.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    stores.close();
  }
}
