import type { FileConverter } from '../core/batch.js';
import { AppError } from '../core/errors.js';
import { outputKind } from '../core/formats.js';
import { fileSize } from '../core/inputFiles.js';
import { HostedClient } from '../core/hosted/hostedClient.js';
import { HostedConverter } from '../core/hosted/hostedConverter.js';
import type { OutputInspectors } from '../core/hosted/hostedOutputCheck.js';
import { hostedConcurrencyLimits, hostedLane, requestTimeoutMs } from '../core/hosted/hostedPlan.js';
import { chooseMode, type ModePreference } from '../core/hosted/routing.js';
import { TokenVault } from '../core/hosted/tokenVault.js';
import type { ConversionResult } from '../core/localConverter.js';
import type { JobRoute, QueuedJob } from '../core/queue/ports.js';
import { Scheduler } from '../core/scheduler.js';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner.js';
import { FfprobeProber } from '../../native/ffmpeg/ffprobeProber.js';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools.js';
import { systemClock, type NativeEngine } from '../../native/createNativeEngine.js';
import { HeicDecoderPool } from '../../native/heic/heicDecoderPool.js';
import { FfmpegBmpDecoder } from '../../native/image/bmpDecoder.js';
import { SharpImageConverter } from '../../native/image/sharpImageConverter.js';
import { KeytarSecretStore } from '../../native/keychain/keytarSecretStore.js';

/** Hosted-API tokens per API origin, in the OS keychain (or this process's memory when there is none). */
export function createTokenVault(): TokenVault {
  return new TokenVault(new KeytarSecretStore());
}

/** Local tools that can check what the hosted API sends back, where this machine has them. */
export function outputInspectors(): { inspectors: OutputInspectors; close(): Promise<void> } {
  const tools = locateFfmpegToolsFromEnvironment();
  const pool = new HeicDecoderPool(1);
  // Only `inspect` is used, which needs neither ffmpeg nor a HEIC worker.
  const images = new SharpImageConverter(pool, new FfmpegBmpDecoder(new ProcessFfmpegRunner('missing' in tools ? 'ffmpeg' : tools.ffmpeg.path)));
  return {
    inspectors: { prober: 'missing' in tools ? undefined : new FfprobeProber(tools.ffprobe.path), images },
    close: () => pool.close(),
  };
}

/** Hosted job ids start here so that one queue can show local and hosted jobs side by side. */
export const HOSTED_JOB_ID_BASE = 1_000_000_000;

export interface DesktopRouterOptions {
  local: NativeEngine | AppError;
  localScheduler: Scheduler<ConversionResult>;
  preference: () => { mode: ModePreference; apiUrl: URL };
  vault: TokenVault;
}

/**
 * Routes each desktop job by the settings at the moment it starts: local, hosted (with the token from the
 * keychain), or auto (local unless this machine lacks what the job needs, or the file is over the upload limit).
 */
export class DesktopRouter {
  readonly hostedScheduler = new Scheduler<ConversionResult>(hostedConcurrencyLimits(), systemClock, HOSTED_JOB_ID_BASE);
  private readonly inspection = outputInspectors();
  private token: { origin: string; value: string | undefined } | undefined;
  private hosted: { key: string; converter: HostedConverter } | undefined;

  constructor(private readonly options: DesktopRouterOptions) {}

  /** Reads the token for the configured API from the keychain; says why when the keychain cannot be used. */
  async loadToken(): Promise<string | undefined> {
    const { apiUrl } = this.options.preference();
    const { token, keychainProblem } = await this.options.vault.load(apiUrl);
    this.token = { origin: apiUrl.origin, value: token };
    return keychainProblem;
  }

  setToken(apiUrl: URL, token: string | undefined): void {
    this.token = { origin: apiUrl.origin, value: token };
  }

  route = (job: QueuedJob): JobRoute => {
    const { mode: preference, apiUrl } = this.options.preference();
    const local = this.options.local;
    const localCapable = !(local instanceof AppError);
    const mode = chooseMode(preference, { localCapable, hostedReachable: () => true, inputBytes: fileSize(job.inputPath) ?? 0 });
    if (mode === 'hosted') return { mode, converter: this.hostedConverter(apiUrl), scheduler: this.hostedScheduler, lane: hostedLane(outputKind(job.target)) };
    const failing: FileConverter = { convert: () => Promise.reject(local) };
    return { mode, converter: localCapable ? local.converter : failing, scheduler: this.options.localScheduler, lane: outputKind(job.target) };
  };

  close(): Promise<void> {
    return this.inspection.close();
  }

  private hostedConverter(apiUrl: URL): HostedConverter {
    const token = this.token?.origin === apiUrl.origin ? this.token.value : undefined;
    const key = `${apiUrl.href}|${token ?? ''}`;
    if (this.hosted?.key !== key) {
      const client = new HostedClient({ apiUrl, token, timeoutMs: requestTimeoutMs(process.env) });
      this.hosted = { key, converter: new HostedConverter({ client, clock: systemClock, inspectors: this.inspection.inspectors }) };
    }
    return this.hosted.converter;
  }
}
