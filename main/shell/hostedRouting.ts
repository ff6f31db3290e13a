import type { MediaKind } from '../core/formats.js';
import { HostedAccess } from '../core/hosted/hostedAccess.js';
import type { OutputInspectors } from '../core/hosted/hostedOutputCheck.js';
import { hostedConcurrencyLimits, jobTimeoutMs, requestTimeoutMs } from '../core/hosted/hostedPlan.js';
import { JobRouter, type LocalEngine } from '../core/hosted/jobRouter.js';
import { ReachabilityCache } from '../core/hosted/reachability.js';
import type { ProbedSize } from '../core/hosted/hybridEstimates.js';
import { identifyInput } from '../core/engine/identify/identifyInput.js';
import { TokenVault } from '../core/hosted/tokenVault.js';
import type { ConversionResult } from '../core/engine/run/localConverter.js';
import { Scheduler } from '../core/scheduling/scheduler.js';
import type { JobIdSource } from '../core/jobs/jobIds.js';
import { FfprobeProber } from '../../native/ffmpeg/ffprobeProber.js';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools.js';
import { systemClock } from '../../native/createNativeEngine.js';
import type { DataStores } from '../../native/createDataStores.js';
import { KeytarSecretStore } from '../../native/keychain/keytarSecretStore.js';
import { isProcessAlive } from '../../native/queueFileSystem.js';

/** Hosted-API tokens per API origin and the client label, in the OS keychain (or this process's memory when there is none). */
export function createTokenVault(): TokenVault {
  return new TokenVault(new KeytarSecretStore());
}

/** Local tools that can check what the hosted API sends back, where this machine has them. sharp loads on first use. */
export function outputInspectors(): OutputInspectors {
  const tools = locateFfmpegToolsFromEnvironment();
  const inspector = () => import('../../native/image/sharpImageInspector.js').then((module) => module.sharpImageInspector);
  return { prober: 'missing' in tools ? undefined : new FfprobeProber(tools.ffprobe.path), images: { inspect: async (file) => (await inspector()).inspect(file) } };
}

export interface RouterWiring {
  router: JobRouter;
  access: HostedAccess;
  vault: TokenVault;
  hostedScheduler: Scheduler<ConversionResult>;
}

/** Wires the core's one router with the real keychain, output inspectors, reachability check and SQLite stores. */
/** Duration and first picture of an input, from ffprobe, for hybrid's estimate before any job of its pair finished here. */
function inputProbe(): ((inputPath: string) => Promise<ProbedSize | undefined>) | undefined {
  const tools = locateFfmpegToolsFromEnvironment();
  if ('missing' in tools) return undefined;
  const prober = new FfprobeProber(tools.ffprobe.path);
  return async (inputPath) => {
    const input = await identifyInput(inputPath);
    if (input.kind === 'image') return undefined;
    const probed = await prober.probe({ path: input.path, demuxer: input.demuxer, ...(input.skipBytes !== undefined ? { skipBytes: input.skipBytes } : {}) });
    const video = probed.video[0];
    return {
      durationSeconds: probed.durationSeconds ?? video?.durationSeconds ?? 0,
      ...(video ? { video: { codec: video.codec, width: video.width, height: video.height, frameRate: video.frameRate } } : {}),
    };
  };
}

export function createRouterWiring(options: {
  local: LocalEngine;
  localScheduler: Scheduler<ConversionResult>;
  /** The local scheduler's id source: hosted jobs take their ids from the same space. */
  ids: JobIdSource;
  localSlots: () => Record<MediaKind, number>;
  stores: DataStores;
  env: NodeJS.ProcessEnv;
  vault?: TokenVault;
}): RouterWiring {
  const vault = options.vault ?? createTokenVault();
  const access = new HostedAccess({ vault, inspectors: outputInspectors(), clock: systemClock, timeoutMs: requestTimeoutMs(options.env), jobTimeoutMs: jobTimeoutMs(options.env) });
  const hostedScheduler = new Scheduler<ConversionResult>(hostedConcurrencyLimits(), systemClock, options.ids);
  const router = new JobRouter({
    local: options.local, localScheduler: options.localScheduler, localSlots: options.localSlots, hostedScheduler, access,
    reachability: new ReachabilityCache(),
    history: { localSamples: (pair, limit) => options.stores.telemetry.localSamples(pair, limit), hostedSamples: (limit) => options.stores.hosted.hostedSamples(limit), recordHosted: (sample, at) => options.stores.hosted.recordHosted(sample, at) },
    ledger: options.stores.hosted,
    work: options.stores.hosted,
    wallClock: Date.now, pid: process.pid, isProcessAlive, probe: inputProbe(),
  });
  return { router, access, vault, hostedScheduler };
}
