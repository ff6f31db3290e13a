import { guessPair, type JobReport } from '../jobs/jobReport.js';
import { formatLabel, inputFormatFromName, type OutputFormat } from '../formats.js';
import type { InputEntry } from '../inputFiles.js';
import { inputFingerprint, outputStillInPlace, requestKeyOf } from './convertedOutputs.js';
import type { ConversionOptions } from '../engine/plan/conversionOptions.js';
import { outputDirOf, type BatchInput } from './persistentQueue.js';
import type { QueueStore } from './ports.js';

/** What the app remembers of the outputs it wrote. */
export type OutputMemory = Pick<QueueStore, 'isConvertedOutput' | 'findOutputs'>;

export interface InputSelection {
  /** What the request covers (its batch key): every input except our own outputs and files already in the target format. */
  requested: BatchInput[];
  /** What to convert now: `requested` less what was already converted. */
  inputs: BatchInput[];
  /** One `skipped` report per file left alone, with the reason in its notes. */
  skipped: JobReport[];
  /** The `skipped` reports of files already converted (not shown when an interrupted run of the request resumes). */
  alreadyConverted: JobReport[];
}

export function skippedReport(input: string, target: OutputFormat, reason: string, output: string | null = null): JobReport {
  return { input, output, status: 'skipped', pair: guessPair(input, target), mode: 'local', runtimeMs: 0, billableMinutes: 0, error: null, notes: [reason] };
}

export function unreadableReport(item: { path: string; message: string }, target: OutputFormat): JobReport {
  return { input: item.path, output: null, status: 'failed', pair: guessPair(item.path, target), mode: 'local', runtimeMs: 0, billableMinutes: 0, error: { code: 'INPUT_UNREADABLE', message: item.message }, notes: [] };
}

/**
 * Files found in a folder are not converted when they are this app's own outputs, already in the target
 * format, or already converted (their earlier output for the same target and folder is still in place and
 * the input is unchanged) unless `again`. Files named explicitly are always converted.
 */
export function selectInputs(entries: readonly InputEntry[], target: OutputFormat, outputDir: string | null, memory: OutputMemory, again: boolean, options?: ConversionOptions): InputSelection {
  const requested: BatchInput[] = [];
  const inputs: BatchInput[] = [];
  const skipped: JobReport[] = [];
  const alreadyConverted: JobReport[] = [];
  const requestKeys = new Map<string | null, string>();
  const requestKeyFor = (folder: string | null) => requestKeys.get(folder) ?? requestKeys.set(folder, requestKeyOf(target, folder, options)).get(folder)!;
  for (const entry of entries) {
    if (entry.subfolder === null) {
      requested.push(entry.path);
      inputs.push(entry.path);
      continue;
    }
    if (memory.isConvertedOutput(entry.path)) {
      skipped.push(skippedReport(entry.path, target, 'Convertr wrote this file; it is not converted again.'));
      continue;
    }
    if (inputFormatFromName(entry.path) === target) {
      skipped.push(skippedReport(entry.path, target, `Already ${formatLabel(target)}; name the file itself to convert it anyway.`));
      continue;
    }
    const input: BatchInput = outputDir ? { path: entry.path, subfolder: entry.subfolder } : entry.path;
    requested.push(input);
    // The input is read only when an earlier output was recorded for it (most files of a new folder have none).
    const outputs = again ? [] : memory.findOutputs(entry.path, requestKeyFor(outputDirOf(input, outputDir)));
    const fingerprint = outputs.length > 0 ? inputFingerprint(entry.path) : undefined;
    const earlier = fingerprint ? outputStillInPlace(outputs, fingerprint) : undefined;
    if (earlier) {
      alreadyConverted.push(skippedReport(entry.path, target, `Already converted to ${earlier.outputPath}; use --again to convert it again.`, earlier.outputPath));
      continue;
    }
    inputs.push(input);
  }
  return { requested, inputs, skipped, alreadyConverted };
}
