import path from 'node:path';
import { routeFields, type JobReport, type RouteFacts } from '../core/jobs/jobReport.js';
import { formatRuntime } from '../core/durationText.js';
import { errorCodeOf, plainLine } from '../core/errorWords.js';

/**
 * One `--json` line; hybrid batches add why the job ran where it did (`route`), whether this machine's time
 * was measured or estimated, and the predicted, reserved and actual cost.
 */
export function jsonLine(report: JobReport, facts?: RouteFacts): string {
  const { input, output, status, pair, mode, runtimeMs, billableMinutes, error } = report;
  const reason = status === 'skipped' ? { reason: report.notes[0] ?? null } : {};
  return JSON.stringify({ input, output, status, pair, mode, ...(facts ? routeFields(report, facts) : {}), runtimeMs, billableMinutes, error, ...reason });
}

/** `512 B`, `48.2 KB`, `12.3 MB`, `1.4 GB` (1 MB = 1,000,000 bytes, as `--max-size` counts). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The sizes of a finished job's input and output, when both could be read. */
export interface JobSizes {
  inputBytes: number;
  outputBytes: number;
}

/** A failure in plain words and what to do; `--verbose` adds the code and the original words. */
export function failureLines(error: { code: string; message: string }, verbose: boolean): string {
  const plain = `    ${plainLine({ code: errorCodeOf(error.code), message: error.message })}`;
  return verbose ? `${plain}\n    details: [${error.code}] ${error.message}` : plain;
}

export function humanLine(report: JobReport, route?: string, sizes?: JobSizes, verbose = false): string {
  if (report.status === 'succeeded') {
    const notes = report.notes.length > 0 ? `\n    note: ${report.notes.join('\n    note: ')}` : '';
    const where = report.mode === 'hosted' ? `, hosted${route ? `: ${route}` : ''}` : route ? `, local: ${route}` : '';
    const size = sizes ? `, ${formatSize(sizes.inputBytes)} -> ${formatSize(sizes.outputBytes)}` : '';
    return `✔ ${path.basename(report.input)} → ${report.output}  (${report.pair}, ${formatRuntime(report.runtimeMs)}${size}${where})${notes}`;
  }
  if (report.status === 'skipped') return `– ${report.input}  skipped: ${report.notes[0] ?? 'nothing to do'}`;
  return `✘ ${report.input}\n${report.error ? failureLines(report.error, verbose) : `    ${report.status}`}`;
}

export function summaryLine(reports: readonly JobReport[], elapsedMs: number): string {
  const ok = reports.filter((r) => r.status === 'succeeded').length;
  const failed = reports.filter((r) => r.status === 'failed').length;
  const cancelled = reports.filter((r) => r.status === 'cancelled').length;
  const skipped = reports.filter((r) => r.status === 'skipped').length;
  const parts = [`${ok} converted`];
  if (skipped > 0) parts.push(`${skipped} skipped`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (cancelled > 0) parts.push(`${cancelled} cancelled`);
  return `${parts.join(', ')} in ${formatRuntime(elapsedMs)}`;
}
