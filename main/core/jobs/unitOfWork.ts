import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { normalizeOptions, optionsIdentity } from '../engine/plan/conversionOptions.js';
import type { FileConverter } from '../engine/run/fileConverter.js';
import type { ConversionHooks, ConversionRequest, ConversionResult, ProgressListener } from '../engine/run/localConverter.js';
import { heldByAnotherOwner, type OwnerProbe } from './jobModel.js';

/**
 * Who holds a unit of work (one input's content, one target, one output folder, one set of options) across
 * every process on this data folder: `running` while one job converts it, `done` once its output exists.
 */
export interface UnitHolder {
  state: 'running' | 'done';
  ownerPid: number | null;
  /** The job in that process (a process may run two jobs of one unit: a window drop and a rule). */
  token: string;
  leaseExpiresAt: number | null;
  /** The front end whose job holds or converted it: `cli`, `window`, `rule:<id>`. */
  origin: string;
  /** What the job that converted it made (done). */
  result: ConversionResult | null;
  /** When it was taken or done (wall clock). */
  updatedAt: number;
}

/** Where units are claimed; every write is conditional on the holder that was read, so one taker wins. */
export interface UnitStore {
  read(key: string): UnitHolder | undefined;
  /** Inserts, or replaces `expected` (by token and state); false when someone else changed it first. */
  take(key: string, expected: UnitHolder | undefined, holder: { ownerPid: number; token: string; leaseExpiresAt: number; origin: string }): boolean;
  complete(key: string, token: string, result: ConversionResult): void;
  release(key: string, token: string): void;
  renewLeases(ownerPid: number, leaseExpiresAt: number): void;
}

export interface UnitDeps {
  units: UnitStore;
  owner: OwnerProbe;
  leaseExpiry: () => number;
  /** The front end of the jobs converted through it (see UnitHolder.origin). */
  origin: string;
  /** How often a job waiting for another's unit looks again. */
  pollMs?: number;
  /** Tells that this job now waits for a unit another process converts (the window shows it as a row). */
  onWaiting?: (request: ConversionRequest, ownerPid: number) => void;
  /** When the job was asked for (admitted, before it waited for its route); now when absent. */
  since?: number;
}

/** The unit a request is: the input's identity (device, inode, size, mtime), the target, the output folder and the options. */
export function unitKeyOf(request: ConversionRequest): string | undefined {
  const input = statSync(request.inputPath, { throwIfNoEntry: false });
  if (!input?.isFile()) return undefined;
  const folder = path.resolve(request.outputDir ?? path.dirname(request.inputPath));
  const identity = [input.dev, input.ino, input.size, input.mtimeMs, request.target, folder, optionsIdentity(normalizeOptions(request.options))];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

function stillThere(result: ConversionResult | null): boolean {
  return result !== null && statSync(result.outputPath, { throwIfNoEntry: false })?.size === result.outputBytes;
}

function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * A converter for one job that converts each unit once across every process and front end on this data folder: a job
 * whose unit another live job holds waits for it and reports its output (skipped: not a second conversion),
 * never converting it again; so does a job meeting a unit done (its output still in place) by another front
 * end, or by any job since this one was started. A unit its own front end did before is converted again when
 * asked (files named explicitly, `--again`: each front end keeps its own "already converted"); a unit whose
 * holder died or failed is taken over.
 */
export function convertingOnce(converter: FileConverter, deps: UnitDeps): FileConverter {
  const { units, owner } = deps;
  // A unit another job of its front end finished after this one was asked for is not converted again.
  const since = deps.since ?? owner.now();
  return {
    async convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks?: ConversionHooks): Promise<ConversionResult> {
      const key = unitKeyOf(request);
      if (!key) return converter.convert(request, signal, onProgress, hooks);
      const token = randomBytes(8).toString('hex');
      let told = false;
      for (;;) {
        if (cancelled(signal)) throw signal!.reason;
        const holder = units.read(key);
        if (holder?.state === 'done' && (holder.origin !== deps.origin || holder.updatedAt > since) && stillThere(holder.result)) {
          const made = holder.result!;
          return { ...made, inputPath: request.inputPath, outputBytes: made.outputBytes, skippedBecause: `${path.basename(made.outputPath)} was converted by convertr, process ${holder.ownerPid ?? 'gone'}; not converted again.` };
        }
        const expired = holder?.leaseExpiresAt != null && holder.leaseExpiresAt < owner.now();
        const free = !holder || holder.state === 'done' || expired || (holder.ownerPid !== owner.pid && !heldByAnotherOwner(holder, owner));
        if (free && units.take(key, holder, { ownerPid: owner.pid, token, leaseExpiresAt: deps.leaseExpiry(), origin: deps.origin })) break;
        if (!free && !told && holder?.ownerPid != null) {
          told = true;
          deps.onWaiting?.(request, holder.ownerPid);
        }
        await new Promise((resolve) => setTimeout(resolve, free ? 0 : deps.pollMs ?? 200));
      }
      try {
        const result = await converter.convert(request, signal, onProgress, hooks);
        if (result.skippedBecause === undefined) units.complete(key, token, result);
        else units.release(key, token);
        return result;
      } catch (error) {
        units.release(key, token);
        throw error;
      }
    },
  };
}
