import { availableParallelism, totalmem } from 'node:os';
import { runBatch, type JobReport } from '../core/batch.js';
import { concurrencyLimits } from '../core/concurrency.js';
import type { ConversionResult } from '../core/localConverter.js';
import { expandInputs } from '../core/inputFiles.js';
import { Scheduler } from '../core/scheduler.js';
import { createNativeEngine, systemClock } from '../../native/createNativeEngine.js';
import type { ConvertArgs } from './args.js';
import { UsageError } from './args.js';
import { humanLine, jsonLine, summaryLine } from './formatReport.js';
import type { CliIo } from './io.js';

/** `convertr convert`: returns the process exit code (0 all succeeded, 1 any failed). */
export async function convertCommand(args: ConvertArgs, io: CliIo): Promise<number> {
  if (args.mode !== 'local') {
    throw new UsageError(`--mode ${args.mode} needs the hosted API client, which this version does not have yet; use --mode local.`);
  }
  const { files, emptyFolders } = await expandInputs(args.inputs);
  for (const folder of emptyFolders) io.stderr(`No supported files in ${folder}.`);
  if (files.length === 0) throw new UsageError('Nothing to convert: no supported files were found in the inputs given.');

  const engine = createNativeEngine();
  const scheduler = new Scheduler<ConversionResult>(concurrencyLimits({ cores: availableParallelism(), totalMemoryBytes: totalmem() }), systemClock);
  const stopOnSignal = () => scheduler.cancelAll();
  io.onInterrupt(stopOnSignal);
  const started = systemClock.now();
  let finished = 0;
  const showProgress = !args.json && io.stderrIsTty;
  const progressTimer = showProgress
    ? setInterval(() => {
        const running = scheduler.list().filter((j) => j.status === 'running');
        const detail = running.map((j) => `${Math.round(j.progress * 100)}%${j.etaSeconds !== undefined ? ` (${Math.ceil(j.etaSeconds)}s left)` : ''}`).join('  ');
        io.progress(`[${finished}/${files.length}] ${detail}`);
      }, 250)
    : undefined;
  try {
    const reports = await runBatch(engine.converter, scheduler, { inputs: files, target: args.target, outputDir: args.outputDir }, (report: JobReport) => {
      finished++;
      if (showProgress) io.progress('');
      io.stdout(args.json ? jsonLine(report) : humanLine(report));
    });
    if (!args.json) io.stderr(summaryLine(reports, systemClock.now() - started));
    return reports.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    io.offInterrupt(stopOnSignal);
    await engine.close();
  }
}
