import type { JobReport } from '../core/batch.js';
import { expandInputs } from '../core/inputFiles.js';
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

async function runBatches(stores: DataStores, batchKeys: string[], json: boolean, io: CliIo, routing: Routing = { mode: 'local', apiUrl: undefined, label: undefined }): Promise<JobReport[]> {
  const context = await createRoutedContext({
    mode: routing.mode,
    apiUrl: routing.mode === 'local' ? undefined : apiUrlOf(routing.apiUrl),
    label: routing.label,
    env: process.env,
    notice: (line) => io.stderr(line),
  });
  const cancel = () => context.schedulers.forEach((s) => s.cancelAll());
  io.onInterrupt(cancel);
  let finished = 0;
  const total = () => context.schedulers.reduce((sum, s) => sum + s.list().length, 0);
  const stopProgress = json ? () => {} : startProgress(context, io, total, () => finished);
  const started = systemClock.now();
  const now: JobReport[] = [];
  const all: JobReport[] = [];
  try {
    for (const key of batchKeys) {
      const reports = await stores.queue.run(key, context.route, (report) => {
        finished++;
        now.push(report);
        io.progress('');
        io.stdout(json ? jsonLine(report) : humanLine(report));
      });
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

/** `convertr convert`: exit 0 when every file of the batch succeeded, 1 otherwise. */
export async function convertCommand(args: ConvertArgs, io: CliIo): Promise<number> {
  if (args.mode !== 'local') apiUrlOf(args.apiUrl);
  const { files, emptyFolders } = await expandInputs(args.inputs);
  for (const folder of emptyFolders) io.stderr(`No supported files in ${folder}.`);
  if (files.length === 0) throw new UsageError('Nothing to convert: no supported files were found in the inputs given.');

  const stores = openStores();
  try {
    reportRecovery(stores, io);
    const batch = stores.queue.submit({ inputs: files, target: args.target, outputDir: args.outputDir ?? null, cohort: cohortOf(args.label) });
    if (batch.resumed) {
      const left = batch.jobs.filter((j) => j.state !== 'done').length;
      io.stderr(`Resuming the interrupted batch: ${left} of ${batch.jobs.length} file(s) left; the ${batch.jobs.length - left} already converted are not converted again.`);
    }
    const reports = await runBatches(stores, [batch.batchKey], args.json, io, { mode: args.mode, apiUrl: args.apiUrl, label: args.label });
    const others = new Set(stores.queue.pendingBatches().filter((key) => key !== batch.batchKey));
    if (others.size > 0) io.stderr(`${others.size} other interrupted batch(es) wait; run "convertr resume" to finish them.`);
    return reports.length === files.length && reports.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    stores.close();
  }
}

/** `convertr resume`: finishes every interrupted batch. */
export async function resumeCommand(args: ResumeArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    reportRecovery(stores, io);
    const keys = stores.queue.pendingBatches();
    if (keys.length === 0) {
      io.stderr('No interrupted batches.');
      return 0;
    }
    const reports = await runBatches(stores, keys, args.json, io);
    return reports.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    stores.close();
  }
}
