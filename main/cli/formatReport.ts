import path from 'node:path';
import { routeFields, type JobReport, type RouteFacts } from '../core/jobReport.js';

/**
 * One `--json` line; hybrid batches add why the job ran where it did (`route`), whether this machine's time
 * was measured or estimated, and the predicted, reserved and actual cost.
 */
export function jsonLine(report: JobReport, facts?: RouteFacts): string {
  const { input, output, status, pair, mode, runtimeMs, billableMinutes, error } = report;
  const reason = status === 'skipped' ? { reason: report.notes[0] ?? null } : {};
  return JSON.stringify({ input, output, status, pair, mode, ...(facts ? routeFields(report, facts) : {}), runtimeMs, billableMinutes, error, ...reason });
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function humanLine(report: JobReport, route?: string): string {
  if (report.status === 'succeeded') {
    const notes = report.notes.length > 0 ? `\n    note: ${report.notes.join('\n    note: ')}` : '';
    const where = report.mode === 'hosted' ? `, hosted${route ? `: ${route}` : ''}` : route ? `, local: ${route}` : '';
    return `✔ ${path.basename(report.input)} → ${report.output}  (${report.pair}, ${seconds(report.runtimeMs)}${where})${notes}`;
  }
  if (report.status === 'skipped') return `– ${report.input}  skipped: ${report.notes[0] ?? 'nothing to do'}`;
  const error = report.error ? `${report.error.message} [${report.error.code}]` : report.status;
  return `✘ ${report.input}\n    ${error}`;
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
  return `${parts.join(', ')} in ${seconds(elapsedMs)}`;
}
