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

/**
 * The video packets of a window of the file (`-read_intervals`, absolute times: the file's start time is added), with
 * their key flags and the file's start time: only the packets from the key frame before the window to its end are read.
 */
export function keyFrameArgs(target: ProbeTarget, window: { from: number; to: number }, startSeconds: number): string[] {
  const at = (seconds: number) => String(Math.round((Math.max(0, seconds) + startSeconds) * 1_000_000) / 1_000_000);
  return [
    '-v', 'error', '-hide_banner', '-print_format', 'json',
    '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags:format=start_time',
    '-read_intervals', `${at(window.from)}%${at(window.to)}`,
    '-protocol_whitelist', 'file',
    ...(target.skipBytes ? ['-skip_initial_bytes', String(target.skipBytes)] : []),
    '-f', target.demuxer,
    '-i', `file:${target.path}`,
  ];
}

/** Key frame times from ffprobe's packet report, from the file's start, within the window. */
export function keyFrameTimesOf(json: unknown, window: { from: number; to: number }): { times: number[]; startSeconds: number } {
  const report = (json ?? {}) as { packets?: unknown; format?: { start_time?: unknown } };
  const start = Number(report.format?.start_time ?? 0);
  const startSeconds = Number.isFinite(start) ? start : 0;
  const packets = Array.isArray(report.packets) ? report.packets as { pts_time?: unknown; flags?: unknown }[] : [];
  const times = packets
    .filter((p) => typeof p.flags === 'string' && p.flags.startsWith('K') && typeof p.pts_time === 'string' && Number.isFinite(Number(p.pts_time)))
    .map((p) => Number(p.pts_time) - startSeconds)
    .filter((t) => t >= window.from && t <= window.to);
  return { times, startSeconds };
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

  async keyFrameTimes(target: ProbeTarget, window: { from: number; to: number }, signal?: AbortSignal): Promise<number[]> {
    // Most files start at 0; one that starts later (an MPEG-TS capture) is asked again at its own times.
    let read = await this.readKeyFrames(target, window, 0, signal);
    if (Math.abs(read.startSeconds) > 0.0005) read = await this.readKeyFrames(target, window, read.startSeconds, signal);
    return read.times;
  }

  private async readKeyFrames(target: ProbeTarget, window: { from: number; to: number }, startSeconds: number, signal?: AbortSignal): Promise<{ times: number[]; startSeconds: number }> {
    const result = await runProcess(this.binary, keyFrameArgs(target, window, startSeconds), { signal, timeoutMs: PROBE_TIMEOUT_MS });
    if (result.aborted) throw cancelledError();
    if (result.timedOut || result.code !== 0) return { times: [], startSeconds };
    try {
      return keyFrameTimesOf(JSON.parse(result.stdout), window);
    } catch {
      return { times: [], startSeconds };
    }
  }
}
