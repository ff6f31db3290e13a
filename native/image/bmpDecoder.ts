import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { FfmpegRunner } from '../../main/core/engine/ports.js';
import { AppError } from '../../main/core/errors.js';
import { ensureScratch } from '../../main/core/engine/run/outputFiles.js';

export interface BmpDecoder {
  /** Decodes a BMP to a PNG in the job's scratch folder and returns its path; the caller removes it. */
  decodeToPng(inputPath: string, scratchDir: string, signal?: AbortSignal): Promise<string>;
}

/** sharp reads no BMP; ffmpeg's BMP decoder covers every variant phones and scanners write. */
export class FfmpegBmpDecoder implements BmpDecoder {
  constructor(private readonly ffmpeg: FfmpegRunner) {}

  async decodeToPng(inputPath: string, scratchDir: string, signal?: AbortSignal): Promise<string> {
    await ensureScratch(scratchDir);
    const out = path.join(scratchDir, `bmp-${randomBytes(6).toString('hex')}.png`);
    try {
      await this.ffmpeg.run([
        '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-protocol_whitelist', 'file',
        '-f', 'bmp_pipe', '-i', `file:${inputPath}`, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', `file:${out}`,
      ], { signal });
      return out;
    } catch (error) {
      await rm(out, { force: true });
      if (error instanceof AppError && error.code === 'FFMPEG_FAILED') {
        // ffmpeg's BMP decoder says "not enough data" when the pixel rows stop before the header's size.
        if (/not enough data/i.test(`${error.message} ${error.detail ?? ''}`)) {
          throw new AppError('INPUT_CORRUPT', 'This BMP file is incomplete: it ends before its picture does (a copy or download that stopped early), so there is nothing to convert.', error.detail ?? error.message);
        }
        throw new AppError('INPUT_CORRUPT', `This BMP image is damaged: ${error.message}`, error.detail);
      }
      throw error;
    }
  }
}
