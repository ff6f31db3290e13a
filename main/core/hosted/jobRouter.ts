import { engineOptionsChosen } from '../engine/plan/conversionOptions.js';
import { BoundedMap } from '../boundedMap.js';
import { guessPair, succeededReport, type JobRouteView } from '../jobs/jobReport.js';
import { type FileConverter } from '../engine/run/fileConverter.js';
import { AppError, isAppError } from '../errors.js';
import { inputFormatFromName, inputKind, outputKind, type MediaKind } from '../formats.js';
import { STRIPPABLE_PHOTO_FORMATS } from './photoPrivacy.js';
import { fileSize } from '../inputFiles.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { JobRoute, QueuedJob, RoutableJob, RouteDecision, RouteMoment } from '../queue/ports.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { HostedAccess } from './hostedAccess.js';
import { hostedLane, HOSTED_UPLOAD_LIMIT_BYTES } from './hostedPlan.js';
import { monthOf, type HostedWorkStore, type MonthSpend, type RoutingHistory, type SpendLedger } from './hostedRecords.js';
import { actualCostUsd, decideHybrid, predictedCostUsd, reservationUsd } from './hybridDecision.js';
import { estimateFromProbe, HybridEstimator, type ProbedSize } from './hybridEstimates.js';
import { leavesAcceptedJobPending } from './hostedErrors.js';
import { PairBilling } from './pairBilling.js';
import { COST_PER_MINUTE } from '../telemetry/stats.js';
import type { ReachabilityCache } from './reachability.js';
import { chooseMode } from './routing.js';
import { LOCAL_ONLY, type RoutingPolicy } from './routingPolicy.js';
import { PLAN_CEILINGS } from '../scheduling/concurrency.js';

export { LOCAL_ONLY, policyFromRecord, routingRecord, type RoutingPolicy } from './routingPolicy.js';

/** Which stored hosted job belongs to a queued job: one per input of a batch. */
export const hostedJobKey = (job: Pick<QueuedJob, 'batchKey' | 'inputPath'>): string => `${job.batchKey}\n${job.inputPath}`;

/** This machine's engine, or why there is none (ffmpeg missing). */
export type LocalEngine = { converter: FileConverter } | AppError;

export type { RouteDecision } from '../queue/ports.js';

export interface JobRouterDeps {
  local: LocalEngine;
  localScheduler: Scheduler<ConversionResult>;
  /** Jobs of each kind this machine runs at once. */
  localSlots: () => Record<MediaKind, number>;
  hostedScheduler: Scheduler<ConversionResult>;
  access: HostedAccess;
  reachability: ReachabilityCache;
  history: RoutingHistory;
  ledger: SpendLedger;
  /** Accepted hosted jobs, polled after a crash or a quit instead of uploaded again. */
  work: HostedWorkStore;
  wallClock: () => number;
  pid: number;
  isProcessAlive: (pid: number) => boolean;
  /** Duration and picture size of an input, for an estimate before any job of its pair finished here. */
  probe?: (inputPath: string) => Promise<ProbedSize | undefined>;
}

const kinds = (): Record<MediaKind, number> => ({ video: 0, audio: 0, image: 0 });

/** A photo whose location could not be stripped before upload (judged by its name; the content is checked again before upload). */
function photoThatCannotBeStripped(inputPath: string): boolean {
  const format = inputFormatFromName(inputPath);
  return format !== undefined && inputKind(format) === 'image' && !STRIPPABLE_PHOTO_FORMATS.includes(format);
}

const FILES_REMEMBERED = 10_000;

/**
 * The one router (CLI, window, batch-folder rules): decides per job where it runs. `local`, `hosted` and
 * `auto` follow `chooseMode`; `hybrid` follows `decideHybrid` with estimates from this machine's
 * measurements, and reserves a hosted job's cost against the month's budget before its upload. The hosted
 * API's reachability is read from a cache that `prepare()` fills before a batch is launched.
 */
export class JobRouter {
  private readonly backlogMs = kinds();
  private readonly hostedInFlight = kinds();
  private readonly estimator: HybridEstimator;
  // Per-file facts live only as long as a window's rows could ask for them: bounded, never growing with the app's life.
  // A file's probe, and why its job waited for a slot here when the hosted API was sooner (its route says so).
  private readonly files = new BoundedMap<string, { probed?: ProbedSize; waited?: 'over-budget' | 'plan-ceiling' }>(FILES_REMEMBERED);
  private readonly decisions = new BoundedMap<string, RouteDecision>(FILES_REMEMBERED);
  private readonly billing = new PairBilling();
  private readonly here = new Set<string>();
  private readonly localCapable: boolean;

  constructor(private readonly deps: JobRouterDeps) {
    this.estimator = new HybridEstimator(deps.history);
    this.localCapable = !(deps.local instanceof AppError);
  }

  /** Checks (or re-uses a fresh check of) the API's reachability, and frees budget held by processes that died. */
  async prepare(policy: RoutingPolicy): Promise<boolean | undefined> {
    if (policy.mode === 'hybrid') this.deps.ledger.releaseAbandoned(this.deps.isProcessAlive);
    // Only auto, hybrid and a rule's hosted jobs (here or waiting while offline) go by reachability; other hosted jobs
    // go hosted and report what the network says.
    if (policy.mode === 'local' || (policy.mode === 'hosted' && !policy.whenOffline) || !policy.apiUrl || policy.neverUpload) return undefined;
    return this.deps.reachability.check(policy.apiUrl);
  }

  /** Probes inputs of pairs this machine has no timing for yet (hybrid only), so that their first batch can be split. */
  async estimateInputs(jobs: readonly Pick<RoutableJob, 'inputPath' | 'target'>[], policy: RoutingPolicy): Promise<void> {
    const probe = this.deps.probe;
    if (policy.mode !== 'hybrid' || policy.neverUpload || !probe || !this.localCapable) return;
    const wanted = jobs.filter((j) => !this.files.get(j.inputPath)?.probed && this.estimator.localRuntimeMs(guessPair(j.inputPath, j.target), fileSize(j.inputPath) ?? 0) === undefined).slice(0, 500);
    for (let i = 0; i < wanted.length; i += 4) {
      await Promise.all(wanted.slice(i, i + 4).map(async (j) => {
        const facts = await probe(j.inputPath).catch(() => undefined);
        if (facts) this.files.set(j.inputPath, { ...this.files.get(j.inputPath), probed: facts });
      }));
    }
  }

  /** The next job of this input runs on this machine whatever the policy says ("Convert on this computer"). */
  convertHere(inputPath: string, on: boolean): void {
    if (on) this.here.add(inputPath);
    else this.here.delete(inputPath);
  }

  decisionFor(input: string): RouteDecision | undefined {
    return this.decisions.get(input);
  }

  /** A window row's route (hybrid only): the decision for its input, with the cost once it is known. */
  routeView(input: string, finished: boolean): JobRouteView | null {
    const decision = this.decisions.get(input);
    if (!decision?.reason) return null;
    return {
      reason: decision.reason, localTiming: decision.localTiming ?? null, predictedCostUsd: decision.predictedCostUsd ?? null, reservedUsd: decision.reservedUsd ?? null,
      costUsd: decision.costUsd ?? (finished && decision.mode === 'local' ? 0 : null),
    };
  }

  monthSpend(now = this.deps.wallClock()): MonthSpend {
    return this.deps.ledger.month(monthOf(now));
  }

  /**
   * Where the job runs. With a `moment` the job is routed as a slot would take it: a free local slot means no
   * wait here; with none free the wait is this machine's backlog, and a job that would run here anyway and may
   * wait gets no route (undefined) and no reservation: it is asked again when a slot frees.
   */
  route(job: RoutableJob, requested: RoutingPolicy): JobRoute;
  route(job: RoutableJob, requested: RoutingPolicy, moment: RouteMoment | undefined): JobRoute | undefined;
  route(job: RoutableJob, requested: RoutingPolicy, moment?: RouteMoment): JobRoute | undefined {
    let policy = requested;
    const kind = outputKind(job.target);
    const apiUrl = policy.apiUrl;
    // A batch-folder rule's hosted job while the API does not answer converts here, or fails with HOSTED_NETWORK when
    // the rule waits for the network (its files stay unclaimed while offline: `mustWaitForNetwork`).
    const offline = policy.whenOffline !== undefined && policy.mode === 'hosted' && apiUrl && !policy.neverUpload && this.deps.reachability.latest(apiUrl) === false;
    if (offline && policy.whenOffline === 'wait') {
      const error = new AppError('HOSTED_NETWORK', `The hosted API at ${apiUrl.origin} cannot be reached and this folder waits for the network; retry the file once online.`);
      return { mode: 'hosted', converter: { convert: () => Promise.reject(error) }, scheduler: this.deps.hostedScheduler, lane: hostedLane(kind) };
    }
    if (offline || this.here.has(job.inputPath)) policy = LOCAL_ONLY;
    const slotFree = moment ? this.deps.localScheduler.hasRoom(kind) : undefined;
    const waits = moment?.mayWait === true && slotFree === false;
    if (policy.mode === 'local' || !apiUrl) return waits ? undefined : this.localRoute(job, kind, { mode: 'local', reason: undefined, predictedCostUsd: undefined }, undefined, LOCAL_ONLY);
    const bytes = fileSize(job.inputPath) ?? 0;
    if (policy.stripPhotoMetadata && photoThatCannotBeStripped(job.inputPath)) policy = { ...policy, neverUpload: true };
    // Quality, size limits, resize and metadata stripping are this machine's: the hosted API takes none of them.
    if (job.options && engineOptionsChosen(job.options)) policy = { ...policy, neverUpload: true };
    // Asked only by the modes that choose by it: a hosted job goes hosted without a look at the network first.
    const reachable = () => !policy.neverUpload && (moment ? this.deps.reachability.latest(apiUrl) : this.deps.reachability.known(apiUrl)) === true;
    // A job the server already accepted is finished there, whatever a new decision would say.
    if (!policy.neverUpload && this.deps.work.job(hostedJobKey(job))?.apiOrigin === apiUrl.origin) {
      return this.hostedRoute(job, kind, apiUrl, { mode: 'hosted', reason: policy.mode === 'hybrid' ? 'accepted-earlier' : undefined, predictedCostUsd: undefined }, undefined, policy);
    }
    if (policy.mode !== 'hybrid') {
      const mode = chooseMode(policy.mode, { localCapable: this.localCapable, hostedReachable: reachable, inputBytes: bytes, neverUpload: policy.neverUpload });
      const decision: RouteDecision = { mode, reason: undefined, predictedCostUsd: undefined };
      if (mode === 'hosted') return this.hostedRoute(job, kind, apiUrl, decision, undefined, policy);
      return waits ? undefined : this.localRoute(job, kind, decision, undefined, policy);
    }
    const pair = guessPair(job.inputPath, job.target);
    const measuredMs = this.localCapable ? this.estimator.localRuntimeMs(pair, bytes) : undefined;
    const file = this.files.get(job.inputPath);
    const probed = file?.probed;
    const localMs = measuredMs ?? (this.localCapable && probed ? estimateFromProbe(probed, job.target, kind === 'video') : undefined);
    const localTiming = measuredMs !== undefined ? 'measured' as const : localMs !== undefined ? 'estimated' as const : undefined;
    const hosted = this.estimator.hosted(pair, bytes, localMs);
    const predictedUsd = predictedCostUsd(kind, bytes, hosted.serviceMs);
    const costUsd = reservationUsd(kind, bytes, hosted.serviceMs, probed?.durationSeconds, this.billing.floor(pair));
    const now = this.deps.wallClock();
    const spend = this.deps.ledger.month(monthOf(now));
    let choice = decideHybrid({
      kind, neverUpload: policy.neverUpload, reachable: reachable(), overUploadLimit: bytes > HOSTED_UPLOAD_LIMIT_BYTES, localCapable: this.localCapable,
      localRuntimeMs: localMs, localBacklogMs: slotFree === true ? 0 : this.backlogMs[kind] + (moment?.ahead ?? 0) * (localMs ?? 0), localSlots: this.deps.localSlots()[kind],
      hostedRuntimeMs: hosted.totalMs, hostedInFlight: this.hostedInFlight[kind], hostedCeiling: PLAN_CEILINGS[kind],
      costUsd, budgetLeftUsd: policy.budgetUsd - spend.settledUsd - spend.reservedUsd,
    });
    if (choice.mode === 'hosted') {
      // Reserved before the upload, atomically: another process may have spent the budget meanwhile.
      const reservation = this.deps.ledger.reserve(monthOf(now), costUsd, policy.budgetUsd, this.deps.pid, now);
      if (reservation !== null) {
        this.files.delete(job.inputPath);
        return this.hostedRoute(job, kind, apiUrl, { mode: 'hosted', reason: choice.reason, predictedCostUsd: predictedUsd, reservedUsd: costUsd, localTiming }, { id: reservation, usd: costUsd, pair, bytes }, policy);
      }
      // Spent meanwhile: the job is over budget, and waits or runs here as such.
      choice = { mode: 'local', reason: 'over-budget' };
    }
    if (waits) {
      if (choice.reason === 'over-budget' || choice.reason === 'plan-ceiling') this.files.set(job.inputPath, { ...file, waited: choice.reason });
      return undefined;
    }
    this.files.delete(job.inputPath);
    if (file?.waited && choice.reason === 'local-sooner') choice.reason = file.waited;
    return this.localRoute(job, kind, { mode: 'local', reason: choice.reason, predictedCostUsd: undefined, localTiming }, localMs, policy);
  }

  /** Before a rule's job is added (prepared, so that `route` reads a fresh answer): a hosted rule waiting while offline starts nothing. */
  async mustWaitForNetwork(policy: RoutingPolicy): Promise<boolean> {
    return (await this.prepare(policy)) === false && policy.mode === 'hosted' && policy.whenOffline === 'wait';
  }

  /** Runs the job here; with no engine here, its error says why no hosted API took it either (by `policy`). */
  private localRoute(job: RoutableJob, kind: MediaKind, decision: RouteDecision, estimateMs: number | undefined, policy: RoutingPolicy): JobRoute {
    this.decisions.set(job.inputPath, decision);
    this.here.delete(job.inputPath);
    const local = this.deps.local;
    const route = (converter: FileConverter): JobRoute => ({ mode: 'local', converter, scheduler: this.deps.localScheduler, lane: kind, decision });
    if (local instanceof AppError) {
      const missing = /[.!?]$/.test(local.message) ? local.message : `${local.message}.`;
      const why = policy.neverUpload && policy.mode !== 'hosted' ? new AppError('TOOL_MISSING', `${missing} The job is private (--private), so no hosted API was asked; install ffmpeg, or convert it without --private.`)
        : policy.mode === 'auto' && policy.apiUrl ? new AppError('TOOL_MISSING', `${missing} The hosted API at ${policy.apiUrl.origin} did not answer either, so this job cannot run now; try again when online.`) : local;
      return route({ convert: () => Promise.reject(why) });
    }
    if (decision.reason === undefined) return route(local.converter);
    // A hybrid job: its backlog counts until it ends, and its timing counts for the jobs routed after it.
    this.backlogMs[kind] += estimateMs ?? 0;
    return route({
      convert: (request, signal, onProgress, hooks) =>
        local.converter.convert(request, signal, onProgress, hooks).then((result) => {
          if (!result.skippedBecause && result.inputBytes > 0) this.estimator.finishedLocally(result.pair, { runtimeMs: result.runtimeMs, inputBytes: result.inputBytes });
          return result;
        }).finally(() => {
          this.backlogMs[kind] = Math.max(0, this.backlogMs[kind] - (estimateMs ?? 0));
          this.estimator.refresh();
        }),
    });
  }

  private hostedRoute(job: RoutableJob, kind: MediaKind, apiUrl: URL, decision: RouteDecision, held: { id: number; usd: number; pair: string; bytes: number } | undefined, policy: RoutingPolicy): JobRoute {
    this.decisions.set(job.inputPath, decision);
    const hosted = this.deps.access.converterFor(apiUrl);
    this.hostedInFlight[kind]++;
    const jobKey = hostedJobKey(job);
    const work = this.deps.work;
    let settled = false;
    let topUp: number | null | undefined;
    // Once per job, when it ends or is released (cancelled before it started): its hosted place and its reservations go back.
    const settle = (usd: number, at = this.deps.wallClock()) => {
      if (settled) return;
      settled = true;
      this.hostedInFlight[kind]--;
      if (held) this.deps.ledger.settle(held.id, usd, at);
      if (topUp != null) this.deps.ledger.settle(topUp, 0, at);
    };
    const converter: FileConverter = {
      convert: async (request, signal, onProgress, hooks) => {
        // A job cancelled while it waited for a slot never converts.
        if (settled) throw new AppError('CANCELLED', 'The job was cancelled before it started.');
        const stored = work.job(jobKey);
        const resumeFrom = stored?.apiOrigin === apiUrl.origin ? { serverId: stored.serverId, statusUrl: stored.statusUrl } : undefined;
        // Budgeted jobs of a pair not billed yet start one at a time (one cancelled meanwhile is released by the queue);
        // later ones top their reservation up to what the service really billed.
        const end = held && !resumeFrom ? await this.billing.turn(held.pair, signal) : undefined;
        const needed = held && end ? Math.ceil((this.billing.floor(held.pair) * held.bytes) / COST_PER_MINUTE - 1e-9) * COST_PER_MINUTE - held.usd : 0;
        const at = this.deps.wallClock();
        topUp = needed > 1e-9 ? this.deps.ledger.reserve(monthOf(at), needed, policy.budgetUsd, this.deps.pid, at) : undefined;
        if (topUp === null) {
          // The service billed the pair more than reserved and this job no longer fits the budget: it runs here instead.
          end?.(false);
          settle(0);
          const local = this.deps.local;
          if (local instanceof AppError) throw new AppError('HOSTED_OUT_OF_CREDIT', `Not sent to the hosted API: it billed ${held!.pair} more than predicted, and this job could pass the month's budget of $${policy.budgetUsd.toFixed(3)}; ${local.message}`);
          route.mode = 'local';
          this.decisions.set(job.inputPath, { mode: 'local', reason: 'over-budget', predictedCostUsd: undefined, localTiming: decision.localTiming });
          return local.converter.convert(request, signal, onProgress, hooks);
        }
        try {
          const result = await hosted.convert(request, signal, onProgress, hooks, {
            stripPhotoMetadata: policy.stripPhotoMetadata ?? false,
            resumeFrom,
            accepted: (accepted: { serverId: string; statusUrl: string }) => work.saveJob(jobKey, { apiOrigin: apiUrl.origin, ...accepted }, this.deps.wallClock()),
          });
          work.forgetJob(jobKey);
          const now = this.deps.wallClock();
          const cost = actualCostUsd(succeededReport(result, 'hosted').billableMinutes);
          if (!held) this.deps.ledger.record(monthOf(now), cost, now);
          settle(cost, now);
          if (held) this.billing.settled(held.pair, held.bytes, cost);
          decision.costUsd = cost;
          end?.(true);
          // A job polled after a restart measured no upload and only part of the service's time.
          if (result.transfer.uploadBytes > 0) {
            this.deps.history.recordHosted({ pair: result.pair, inputBytes: result.transfer.uploadBytes, outputBytes: result.transfer.downloadBytes, uploadMs: result.transfer.uploadMs, serviceMs: result.transfer.serviceMs, downloadMs: result.transfer.downloadMs }, now);
          }
          this.estimator.refresh();
          return result;
        } catch (error) {
          // A job the service accepted stays recorded, to be polled again (by `resume` or the same command), unless
          // the service failed it or no longer knows it: only then may the file be uploaded again.
          if (!(isAppError(error) && (error.code === 'CANCELLED' || leavesAcceptedJobPending(error)))) work.forgetJob(jobKey);
          // Failures (and cancelled jobs) cost nothing.
          settle(0);
          end?.(false);
          throw error;
        }
      },
    };
    const route: JobRoute = { mode: 'hosted', converter, scheduler: this.deps.hostedScheduler, lane: hostedLane(kind), release: () => settle(0), decision };
    return route;
  }
}
