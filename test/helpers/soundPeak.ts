import { spawnSync } from 'node:child_process';
import type { FfmpegRunOptions } from '../../main/core/engine/ports';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner';

/** One sound track's peak (dBFS) and how many samples sit at it, decoded as a player would, float kept as float (astats). */
export function peaks(file: string, track = 0): { level: number; count: number } {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-map', `0:a:${track}`, '-af', 'astats=measure_perchannel=none', '-f', 'null', '-'], { encoding: 'utf8' });
  const overall = run.stderr.slice(run.stderr.lastIndexOf('Overall'));
  return { level: Number(/Peak level dB: (-?[\d.]+)/.exec(overall)?.[1]), count: Number(/Peak count: (\d+)/.exec(overall)?.[1]) };
}

/** One sound track's peak in dBFS. */
export const decodedPeak = (file: string, track = 0): number => peaks(file, track).level;

/** The real ffmpeg, counting its measuring passes. */
export class CountingRunner extends ProcessFfmpegRunner {
  analyses = 0;
  override analyse(args: string[], options?: FfmpegRunOptions): Promise<string> {
    this.analyses += 1;
    return super.analyse(args, options);
  }
}
