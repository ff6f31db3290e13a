import type { JobReport } from '../core/batch.js';
import { expandInputs } from '../core/inputFiles.js';
import { cohortOf } from '../core/telemetry/cohort.js';
import { systemClock } from '../../native/createNativeEngine.js';
import type { ConvertArgs, ResumeArgs } from './args.js';
import { UsageError } from './args.js';
import { createConversionContext, openStores, type ConversionContext } from './context.js';
import { humanLine, jsonLine, summaryLine } from './formatReport.js';
import type { CliIo } from './io.js';
import type { DataStores } from '../../native/createDataStores.js';

function startProgress(context: ConversionContext, io: CliIo, total: () => number, finished: () => number): () => void {
  if (!io.stderrIsTty) return () => {};
  const timer = setInterval(() => {
    const running = context.scheduler.list().filter((j) => j.status === 'running');
    const detail = running.map((j) => `${Math.round(j.progress * 100)}%${j.etaSeconds !== undefined ? ` (${Math.ceil(j.etaSeconds)}s left)` : ''}`).join('  ');
    io.progress(`[${finished()}/${total()}] ${detail}`);
  }, 250);
  return () => {
    clearInterval(timer);
    io.progress('');
  };
}

/** Runs batches from the durable queue with progress, Ctrl-C handling and one line per finished job. */
async function runBatches(stores: DataStores, batchKeys: string[], json: boolean, io: CliIo): Promise<JobReport[]> {
  const context = createConversionContext();
  const cancel = () => context.scheduler.cancelAll();
  io.onInterrupt(cancel);
  let finished = 0;
  const total = () => context.scheduler.list().length;
  const stopProgress = json ? () => {} : startProgress(context, io, total, () => finished);
  const started = systemClock.now();
  const now: JobReport[] = [];
  const all: JobReport[] = [];
  try {
    for (const key of batchKeys) {
      const reports = await stores.queue.run(key, context.engine.converter, context.scheduler, (report) => {
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
    await context.engine.close();
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
  if (args.mode !== 'local') {
    throw new UsageError(`--mode ${args.mode} needs the hosted API client, which this version does not have yet; use --mode local.`);
  }
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
    const reports = await runBatches(stores, [batch.batchKey], args.json, io);
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
