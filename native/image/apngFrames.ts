import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readdir, rm } from 'node:fs/promises';
import type { FfmpegRunner } from '../../main/core/engine/ports.js';
import { AppError } from '../../main/core/errors.js';
import { ensureScratch } from '../../main/core/engine/run/outputFiles.js';

/** How an animated PNG plays: each frame's delay and how many times it loops (0: for ever). */
export interface ApngTiming {
  delaysMs: number[];
  loops: number;
}

/** The frame delays (fcTL) and loop count (acTL) of an animated PNG; undefined for a PNG that does not animate. */
export function readApngTiming(bytes: Uint8Array): ApngTiming | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  let loops: number | undefined;
  const delaysMs: number[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const data = at + 8;
    if (data + length > bytes.length) break;
    const chunk = type(at + 4);
    if (chunk === 'acTL' && length >= 8) loops = view.getUint32(data + 4);
    if (chunk === 'fcTL' && length >= 26) {
      const numerator = view.getUint16(data + 20);
      // A denominator of 0 means hundredths of a second.
      const denominator = view.getUint16(data + 22) || 100;
      delaysMs.push(Math.round((numerator * 1000) / denominator));
    }
    if (chunk === 'IEND') break;
    at = data + length + 4;
  }
  return loops === undefined || delaysMs.length < 2 ? undefined : { delaysMs, loops };
}

export interface ApngDecoder {
  /** Every frame of an animated PNG as a whole picture (blended and disposed as a browser shows it), in order, as PNG files in the scratch folder; the caller removes them. */
  decodeFrames(inputPath: string, scratchDir: string, signal?: AbortSignal): Promise<string[]>;
}

/** libvips reads only an APNG's first frame; ffmpeg's APNG decoder composes every frame. */
export class FfmpegApngDecoder implements ApngDecoder {
  constructor(private readonly ffmpeg: FfmpegRunner) {}

  async decodeFrames(inputPath: string, scratchDir: string, signal?: AbortSignal): Promise<string[]> {
    await ensureScratch(scratchDir);
    const prefix = `apng-${randomBytes(6).toString('hex')}-`;
    const frames = async () => (await readdir(scratchDir)).filter((name) => name.startsWith(prefix)).sort().map((name) => path.join(scratchDir, name));
    try {
      await this.ffmpeg.run([
        '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-protocol_whitelist', 'file',
        '-f', 'apng', '-i', `file:${inputPath}`, '-fps_mode', 'passthrough', '-f', 'image2', '-c:v', 'png', '-pix_fmt', 'rgba',
        `file:${path.join(scratchDir, `${prefix}%05d.png`)}`,
      ], { signal });
      return await frames();
    } catch (error) {
      await Promise.all((await frames()).map((file) => rm(file, { force: true })));
      if (error instanceof AppError && error.code === 'FFMPEG_FAILED') throw new AppError('INPUT_CORRUPT', `This animated PNG is damaged: ${error.message}`, error.detail);
      throw error;
    }
  }
}
