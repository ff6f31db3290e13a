import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { ensureScratch } from '../../main/core/engine/run/outputFiles.js';
import path from 'node:path';
import { cancelledError } from '../../main/core/errors.js';
import { isExecutableFile } from '../ffmpeg/locateTools.js';
import { runProcess } from '../ffmpeg/runProcess.js';
import { optimiseJpegHuffman } from '../image/jpegHuffman.js';

const TIMEOUT_MS = 120_000;

/**
 * libheif's own command-line decoder (heif-dec, or heif-convert before libheif 1.17), used as a fast
 * path for HEIC->JPG where the platform has it: native HEVC decoding is about twice as fast as
 * heic-decode's WebAssembly. Its JPEG gets our EXIF and ICC afterwards (libheif 1.15 copies
 * orientation 6 onto already-rotated pixels) and goes through the same output checks.
 */
export class NativeHeifDecoder {
  constructor(readonly binary: string) {}

  /**
   * Decodes the primary image to a JPEG file and returns its bytes; throws on any failure (the caller falls
   * back). The decoder writes one file per picture of a multi-image HEIC (`heif-1.jpg`, `heif-2.jpg`...),
   * so it writes into a folder of its own inside the job's scratch folder, removed whole afterwards. libheif
   * writes libjpeg's standard Huffman tables; they are replaced by the picture's optimal ones (2-4 % smaller, same pixels).
   */
  async decodeToJpeg(input: string, scratchDir: string, quality: number, signal?: AbortSignal): Promise<Buffer> {
    await ensureScratch(scratchDir);
    const folder = await mkdtemp(path.join(scratchDir, 'heif-'));
    const output = path.join(folder, 'heif.jpg');
    try {
      const result = await runProcess(this.binary, ['-q', String(quality), input, output], { signal, timeoutMs: TIMEOUT_MS });
      if (result.aborted) throw cancelledError();
      if (result.code !== 0) throw new Error(`${path.basename(this.binary)} exited with ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
      const jpeg = optimiseJpegHuffman(await readFile(output));
      return Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}

/** HEIF_DECODER_PATH, else heif-dec or heif-convert on PATH; CONVERTR_NATIVE_HEIF=0 turns the fast path off. */
export function locateNativeHeifDecoder(env: NodeJS.ProcessEnv = process.env): NativeHeifDecoder | undefined {
  if (env['CONVERTR_NATIVE_HEIF'] === '0') return undefined;
  if (env['HEIF_DECODER_PATH']) return isExecutableFile(env['HEIF_DECODER_PATH']) ? new NativeHeifDecoder(env['HEIF_DECODER_PATH']) : undefined;
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['heif-dec', 'heif-convert']) {
    for (const dir of dirs) {
      const candidate = path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
      if (isExecutableFile(candidate)) return new NativeHeifDecoder(candidate);
    }
  }
  return undefined;
}
