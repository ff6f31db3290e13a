import { AppError, cancelledError, stderrTail } from '../../main/core/errors.js';
import type { MediaProbe } from '../../main/core/engine/identify/media.js';
import type { MediaProber, ProbeTarget } from '../../main/core/engine/ports.js';
import { lastMeaningfulLine } from './ffmpegRunner.js';
import { runProcess } from './runProcess.js';

const PROBE_TIMEOUT_MS = 30_000;

/** Builds the ffprobe argument array: JSON out, only the named demuxer, local files only. */
export function ffprobeArgs(target: ProbeTarget): string[] {
  return [
    '-v', 'error', '-hide_banner',
    '-print_format', 'json', '-show_format', '-show_streams',
    '-protocol_whitelist', 'file',
    ...(target.skipBytes ? ['-skip_initial_bytes', String(target.skipBytes)] : []),
    '-f', target.demuxer,
    '-i', `file:${target.path}`,
  ];
}

/** Probes with the ffprobe binary; a file ffprobe cannot read becomes INPUT_CORRUPT with ffprobe's own words. */
export class FfprobeProber implements MediaProber {
  constructor(private readonly binary: string) {}

  async probe(target: ProbeTarget, signal?: AbortSignal): Promise<MediaProbe> {
    const result = await runProcess(this.binary, ffprobeArgs(target), { signal, timeoutMs: PROBE_TIMEOUT_MS });
    if (result.aborted) throw cancelledError();
    if (result.timedOut) throw new AppError('INPUT_CORRUPT', 'Reading this file took too long; it may be damaged.');
    if (result.code !== 0) {
      const tail = stderrTail(result.stderr);
      throw new AppError('INPUT_CORRUPT', `This file is damaged or incomplete: ${lastMeaningfulLine(tail)}`, tail);
    }
    let json: unknown;
    try {
      json = JSON.parse(result.stdout);
    } catch {
      throw new AppError('INPUT_CORRUPT', 'ffprobe returned output that is not JSON.', stderrTail(result.stdout));
    }
    // Loaded on the first probe: a batch of pictures never needs it (nor zod, which it validates with).
    const { parseFfprobeJson } = await import('../../main/core/engine/identify/probeParse.js');
    try {
      return parseFfprobeJson(json);
    } catch (error) {
      throw new AppError('INTERNAL', `ffprobe's report has an unexpected shape: ${(error as Error).message}`);
    }
  }
}
