import { billableMinutes } from '../telemetry/billing.js';
import { COST_PER_MINUTE } from '../telemetry/stats.js';
import type { ErrorPayload } from '../errors.js';
import type { InputFormat, OutputFormat } from '../formats.js';
import { contentOf, pairFromContent, pairFromName } from '../pairName.js';
import type { JobSnapshot } from './jobState.js';
import type { ConversionMode } from '../engine/run/fileConverter.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { CommittedFile } from '../fileIdentity.js';

/** What the hosted API said a job cost, when it said. */
interface ReportedCost {
  hostedCost?: { minutes?: number };
}

/** One finished job as the CLI's `--json` line reports it. */
export interface JobReport {
  input: string;
  output: string | null;
  /** `skipped`: not converted on purpose (already in the target format, already converted, the conflict policy); not a request in the stats. */
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  pair: string;
  mode: ConversionMode;
  runtimeMs: number;
  billableMinutes: number;
  error: { code: string; message: string } | null;
  notes: string[];
  /** The output file the job committed (device and inode), when it wrote one. */
  committed?: CommittedFile;
  /**
   * A job that ended without a result: what its bytes were found to be, a format, or null when they are no
   * media at all (a text file named .mp4); absent when only its name is known.
   */
  inputFormat?: InputFormat | null;
}

/** The pair a job will be, from the input's name, until its content says otherwise. */
export function guessPair(input: string, target: OutputFormat): string {
  return pairFromName(input, target);
}

/** The plan's rule, unless the hosted API named the minutes it billed (whole minutes, rounded up). */
function minutesOf(result: ConversionResult & ReportedCost, mode: ConversionMode): number {
  const reported = result.hostedCost?.minutes;
  if (mode === 'hosted' && reported !== undefined) return Math.ceil(reported);
  return billableMinutes({ succeeded: true, runtimeMs: result.runtimeMs, kind: result.kind, inputBytes: result.inputBytes });
}

export function succeededReport(result: ConversionResult, mode: ConversionMode = result.ranOn ?? 'local'): JobReport {
  if (result.skippedBecause !== undefined) {
    return { input: result.inputPath, output: result.outputPath, status: 'skipped', pair: result.pair, mode, runtimeMs: 0, billableMinutes: 0, error: null, notes: [result.skippedBecause] };
  }
  return {
    input: result.inputPath,
    output: result.outputPath,
    status: 'succeeded',
    pair: result.pair,
    mode,
    runtimeMs: Math.round(result.runtimeMs),
    billableMinutes: minutesOf(result, mode),
    error: null,
    notes: result.notes,
    ...(result.committed ? { committed: result.committed } : {}),
  };
}

export function reportFor(input: string, target: OutputFormat, job: JobSnapshot<ConversionResult>, mode: ConversionMode = 'local'): JobReport {
  if (job.status === 'succeeded' && job.result) return succeededReport(job.result, mode);
  const error: ErrorPayload | undefined = job.error;
  const content = contentOf(input, error?.code);
  return {
    input,
    output: null,
    status: job.status === 'cancelled' ? 'cancelled' : 'failed',
    pair: pairFromContent(input, target, content),
    ...(content ? { inputFormat: 'format' in content ? content.format : null } : {}),
    mode,
    runtimeMs: Math.round((job.finishedAt ?? 0) - (job.startedAt ?? job.finishedAt ?? 0)),
    billableMinutes: 0,
    error: error ? { code: error.code, message: error.message } : null,
    notes: [],
  };
}

/** Why hybrid routing sent a job where it did, with what it expected to pay: each `--json` line and window row carries it. */
export interface RouteFacts {
  /** The decision's short reason (`hosted-sooner`, `local-sooner`, `over-budget`, ...). */
  route: string;
  /** Whether this machine's time came from finished jobs of the pair or from the probe's estimate. */
  localTiming?: 'measured' | 'estimated' | undefined;
  /** The expected price of a hosted job; the reservation is the most it can be billed. */
  predictedCostUsd?: number | undefined;
  reservedUsd?: number | undefined;
}

/** A window row's route: why it runs where it does, and what it was expected to cost and cost. */
export interface JobRouteView {
  reason: string;
  localTiming: 'measured' | 'estimated' | null;
  predictedCostUsd: number | null;
  reservedUsd: number | null;
  /** What the hosted API billed once the job finished (0 for a job here); null until then. */
  costUsd: number | null;
}

/** The facts of a finished job's route with its actual cost (what the hosted API billed; nothing here). */
export function routeFields(report: JobReport, facts: RouteFacts): RouteFacts & { costUsd: number } {
  const costUsd = report.mode === 'hosted' ? Math.round(report.billableMinutes * COST_PER_MINUTE * 1e6) / 1e6 : 0;
  return {
    route: facts.route,
    ...(facts.localTiming ? { localTiming: facts.localTiming } : {}),
    ...(facts.predictedCostUsd !== undefined ? { predictedCostUsd: facts.predictedCostUsd } : {}),
    ...(facts.reservedUsd !== undefined ? { reservedUsd: facts.reservedUsd } : {}),
    costUsd,
  };
}
