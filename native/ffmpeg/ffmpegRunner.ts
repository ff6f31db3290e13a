import { AppError, cancelledError, stderrTail } from '../../main/core/errors.js';
import type { FfmpegRunOptions, FfmpegRunner, SharedRunOutcome } from '../../main/core/engine/ports.js';
import type { SharedRunMember } from '../../main/core/engine/plan/sharedRun.js';
import { createProgressParser } from './progressParser.js';
import { runProcess, type RunProcessOptions } from './runProcess.js';
import { SharedRuns } from './sharedRuns.js';

/**
 * ffmpeg reports progress twice a second; this long without a byte from it (a read stuck on a stalled disk or
 * mount), it is stopped. Generous: moving a very large file's index to its front (faststart) is silent.
 */
export const FFMPEG_SILENCE_LIMIT_MS = 10 * 60_000;

/** Runs the ffmpeg binary; a non-zero exit becomes FFMPEG_FAILED with the tail of stderr. */
export class ProcessFfmpegRunner implements FfmpegRunner {
  private readonly shared = new SharedRuns(async (args, options) => (await this.runFfmpeg(args, options)).stderr);

  constructor(private readonly binary: string, private readonly silenceLimitMs = FFMPEG_SILENCE_LIMIT_MS) {}

  async run(args: string[], options: FfmpegRunOptions = {}): Promise<void> {
    await this.runFfmpeg(args, options);
  }

  runShared(member: SharedRunMember, options: FfmpegRunOptions = {}): Promise<SharedRunOutcome> {
    return this.shared.submit(member, options);
  }

  async analyse(args: string[], options: FfmpegRunOptions = {}): Promise<string> {
    return (await this.runFfmpeg(args, options)).stderr;
  }

  /** Cancellable by the signal, and stopped when silent for the silence limit, as every ffmpeg run is. */
  private async runFfmpeg(args: string[], options: FfmpegRunOptions & Pick<RunProcessOptions, 'adopt'>): Promise<{ stderr: string }> {
    const parse = createProgressParser((seconds) => options.onProgress?.(seconds));
    const result = await runProcess(this.binary, args, { signal: options.signal, onStdout: parse, collectStdout: false, idleTimeoutMs: this.silenceLimitMs, ...(options.adopt ? { adopt: options.adopt } : {}) });
    if (result.aborted) throw cancelledError();
    if (result.stalled) {
      throw new AppError('FFMPEG_FAILED', `ffmpeg stopped making progress (nothing for ${Math.round(this.silenceLimitMs / 1000)} s) and was stopped; the file or its disk may be unreachable.`, stderrTail(result.stderr));
    }
    // ffmpeg 5 exits 0 when it could not write a file's end (an MP4 index that does not fit the room kept for it).
    if (result.code !== 0 || /^Error writing trailer/m.test(result.stderr)) {
      const tail = stderrTail(result.stderr);
      throw new AppError('FFMPEG_FAILED', `ffmpeg could not convert this file: ${lastMeaningfulLine(tail)}`, tail);
    }
    return result;
  }
}

/** The line of ffmpeg's stderr that best explains a failure. */
export function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]+\]\s*/, '').replace(/^file:.*?: (?=[A-Z])/, '').trim())
    .filter(Boolean);
  const explanatory = lines.filter((l) => !/^(Conversion failed!|Error while|Exiting normally|\s*Last message repeated)/i.test(l));
  const specific = explanatory.filter((l) => !/^Invalid data found when processing input$/i.test(l));
  return specific.at(-1) ?? explanatory.at(-1) ?? lines.at(-1) ?? 'unknown error';
}
