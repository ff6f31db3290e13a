import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { normalizeOptions, optionsIdentity } from '../engine/plan/conversionOptions.js';
import type { FileConverter } from '../engine/run/fileConverter.js';
import { randomHex } from '../engine/run/randomNames.js';
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
  /** Marks the unit this token holds done with what it made. */
  complete(key: string, token: string, result: ConversionResult): void;
  /** Frees the unit this token holds, running or done (its output was never moved into place). */
  release(key: string, token: string): void;
  renewLeases(ownerPid: number, leaseExpiresAt: number): void;
  /** Runs its reads and writes as one transaction (a batch's units taken with one write). */
  together<T>(work: () => T): T;
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
  /** What its claim found of its unit (`takeUnitsAtClaim`): taken, or held by another live job. */
  atClaim?: UnitAtClaim;
}

/**
 * A job's unit as its claim found it: taken by this job (`token`: it converts without asking again while the input
 * is unchanged), or held by another live job (`heldBy`: that job's output is this job's answer, whenever it ends).
 */
export type UnitAtClaim = { key: string; token: string; heldBy?: undefined } | { key: string; heldBy: string; token?: undefined };

/** How long after a unit was marked done its output may still be on its way into place (its holder alive). */
const MOVING_INTO_PLACE_MS = 2000;

type UnitOwnerDeps = Pick<UnitDeps, 'owner' | 'origin'> & { since: number; heldBy?: string | undefined };

/** What a job meeting this holder does: report the output made (done), take the unit, or wait for its live holder. */
function verdictOn(holder: UnitHolder | undefined, { owner, origin, since, heldBy }: UnitOwnerDeps): 'done' | 'take' | 'wait' {
  if (holder?.state === 'done' && stillThere(holder.result)) {
    if (holder.origin !== origin || holder.updatedAt > since || holder.token === heldBy) return 'done';
  } else if (holder?.state === 'done' && heldByAnotherOwner(holder, owner) && owner.now() - holder.updatedAt < MOVING_INTO_PLACE_MS) {
    // Marked done as its output is moved into place (one transaction with the job's commit): the move is a moment away.
    return 'wait';
  }
  const expired = holder?.leaseExpiresAt != null && holder.leaseExpiresAt < owner.now();
  const free = !holder || holder.state === 'done' || expired || (holder.ownerPid !== owner.pid && !heldByAnotherOwner(holder, owner));
  return free ? 'take' : 'wait';
}

/** What names a unit of work in a conversion request. */
export type UnitRequest = Pick<ConversionRequest, 'inputPath' | 'target' | 'outputDir' | 'options'>;

/** The unit a request is: the input's identity (device, inode, size, mtime), the target, the output folder and the options. */
export function unitKeyOf(request: UnitRequest): string | undefined {
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
 * end, by any job since this one was started, or by the job its claim found holding it. A unit its own front end did before is converted again when
 * asked (files named explicitly, `--again`: each front end keeps its own "already converted"); a unit whose
 * holder died or failed is taken over.
 */
export function convertingOnce(converter: FileConverter, deps: UnitDeps): FileConverter {
  const { units, owner } = deps;
  // A unit another job of its front end finished after this one was asked for is not converted again.
  const since = deps.since ?? owner.now();
  let atClaim = deps.atClaim;
  return {
    async convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks?: ConversionHooks): Promise<ConversionResult> {
      const key = unitKeyOf(request);
      const claimed = atClaim;
      atClaim = undefined;
      if (claimed?.token !== undefined && claimed.key !== key) units.release(claimed.key, claimed.token);
      if (!key) return converter.convert(request, signal, onProgress, hooks);
      const takenAtClaim = claimed?.key === key && claimed.token !== undefined;
      const token = takenAtClaim ? claimed.token! : randomHex(8);
      const heldBy = claimed?.key === key ? claimed.heldBy : undefined;
      let told = false;
      while (!takenAtClaim) {
        if (cancelled(signal)) throw signal!.reason;
        const holder = units.read(key);
        const verdict = verdictOn(holder, { owner, origin: deps.origin, since, heldBy });
        if (verdict === 'done') {
          const made = holder!.result!;
          return { ...made, inputPath: request.inputPath, outputBytes: made.outputBytes, skippedBecause: `${path.basename(made.outputPath)} was converted by convertr, process ${holder!.ownerPid ?? 'gone'}; not converted again.` };
        }
        if (verdict === 'take' && units.take(key, holder, { ownerPid: owner.pid, token, leaseExpiresAt: deps.leaseExpiry(), origin: deps.origin })) break;
        if (verdict === 'wait' && !told && holder?.ownerPid != null) {
          told = true;
          deps.onWaiting?.(request, holder.ownerPid);
        }
        await new Promise((resolve) => setTimeout(resolve, verdict === 'take' ? 0 : deps.pollMs ?? 200));
      }
      // The unit is done in the transaction that records the job's output name, just before the output takes that name.
      let completed = false;
      const onCommit = hooks?.onCommit;
      const marking: ConversionHooks | undefined = onCommit
        ? { ...hooks, onCommit: (result, temporaryPath) => onCommit(result, temporaryPath, () => {
          units.complete(key, token, result);
          completed = true;
        }) }
        : hooks;
      try {
        const result = await converter.convert(request, signal, onProgress, marking);
        if (result.skippedBecause !== undefined) units.release(key, token);
        else if (!completed) units.complete(key, token, result);
        return result;
      } catch (error) {
        units.release(key, token);
        throw error;
      }
    },
  };
}

/**
 * Takes, in one transaction, the unit of each request that a job would take now (free, or its holder gone),
 * before the jobs wait for their routes: a batch's units cost one write, not one each. A unit held by a live job
 * is noted (that job's output answers this one, even when it ends before this one runs); a done one gets nothing
 * here: the job asks again when it runs.
 */
export function takeUnitsAtClaim(units: UnitStore, requests: readonly (UnitRequest & { origin: string })[], deps: Pick<UnitDeps, 'owner' | 'leaseExpiry'>): (UnitAtClaim | undefined)[] {
  // A batch's units were mostly held by one earlier process: each pid is asked once per claim.
  const liveness = new Map<number, boolean>();
  const isProcessAlive = (pid: number) => liveness.get(pid) ?? liveness.set(pid, deps.owner.isProcessAlive(pid)).get(pid)!;
  const owner: OwnerProbe = { pid: deps.owner.pid, now: () => deps.owner.now(), isProcessAlive };
  const since = owner.now();
  const keys = requests.map((request) => unitKeyOf(request));
  return units.together(() => keys.map((key, i) => {
    if (!key) return undefined;
    const holder = units.read(key);
    const verdict = verdictOn(holder, { owner, origin: requests[i]!.origin, since });
    if (verdict === 'wait') return { key, heldBy: holder!.token };
    if (verdict === 'done') return undefined;
    const token = randomHex(8);
    return units.take(key, holder, { ownerPid: owner.pid, token, leaseExpiresAt: deps.leaseExpiry(), origin: requests[i]!.origin }) ? { key, token } : undefined;
  }));
}
