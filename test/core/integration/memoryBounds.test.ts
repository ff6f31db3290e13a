import { execFile } from 'node:child_process';
import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import { PNG_SIGNATURE, pngChunk } from '../../../native/image/pngMetadata';
import { MAX_HEIC_BYTES } from '../../../native/image/sharpImageConverter';
import { ROOT } from '../../helpers/cli';
import { useRealEngine } from '../../helpers/engine';
import { corpus, listAll, makeMedia, removeDir, tempDir } from '../../helpers/media';

const run = promisify(execFile);

/** A PNG whose header claims width x height, with a few bytes of pixel data: a decompression bomb's shape. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(4096))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Peak resident memory (GNU time's %M, in KB) of one `convertr convert` job, whichever of its processes peaked. */
async function convertMeasured(input: string, target: string, out: string, home: string): Promise<{ peakMb: number; line: Record<string, unknown> }> {
  const result = await run('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, '--import', 'tsx', 'main/cli/index.ts', 'convert', input, '--to', target, '--out', out, '--json'], {
    cwd: ROOT, env: { ...process.env, CONVERTR_HOME: home },
  }).catch((error: { stdout: string; stderr: string }) => error);
  const peak = /PEAK_KB=(\d+)/.exec(result.stderr);
  return { peakMb: Math.round(Number(peak?.[1]) / 1024), line: JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown> };
}

describe('memory bounds: oversized pictures are TOO_LARGE before decoding', () => {
  const engine = useRealEngine();
  let dir: string;
  let out: string;
  const file = (name: string) => path.join(dir, name);
  const failure = async (name: string, target: 'jpg' | 'png' | 'mp4' | 'mp3') => {
    const error = await engine().converter.convert({ inputPath: file(name), target, outputDir: out }).then(() => undefined, (e: AppError) => e);
    expect(listAll(out), 'nothing is left behind').toEqual([]);
    return error;
  };

  beforeAll(() => {
    dir = tempDir('convertr-memory-in-');
    out = tempDir('convertr-memory-out-');
    makeMedia(['-f', 'lavfi', '-i', 'color=c=blue:size=8192x8192:duration=1:rate=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1', '-pix_fmt', 'yuv420p', file('8192x8192.mp4')]);
    writeFileSync(file('bomb.png'), pngClaiming(30000, 30000));
    writeFileSync(file('bomb-named.jpg'), pngClaiming(20000, 20000));
    copyFileSync(corpus('heic/IMG_5195.HEIC'), file('huge.heic'));
    truncateSync(file('huge.heic'), Math.round(1.9 * 1024 ** 3));
  }, 60_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(out);
  });

  it('a 30000x30000 PNG (and a bomb named .jpg) is TOO_LARGE, not damaged', async () => {
    expect(await failure('bomb.png', 'jpg')).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/30000x30000/) });
    expect(await failure('bomb-named.jpg', 'png')).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('a video of 8192x8192 frames is TOO_LARGE before ffmpeg decodes it', async () => {
    expect(await failure('8192x8192.mp4', 'mp4')).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/8192x8192/) });
  });

  it(`a 1.9 GB HEIC is TOO_LARGE before it is read (cap ${MAX_HEIC_BYTES / 1024 / 1024} MB)`, async () => {
    expect(await failure('huge.heic', 'jpg')).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/HEIC file is 1946 MB/) });
  });

  it('each of those jobs peaks far below 1.5 GB, measured on the whole command', async () => {
    const home = tempDir('convertr-memory-home-');
    try {
      const video = await convertMeasured(file('8192x8192.mp4'), 'mp4', out, home);
      const heic = await convertMeasured(file('huge.heic'), 'jpg', out, home);
      const png = await convertMeasured(file('bomb.png'), 'jpg', out, home);
      console.log(`peak RSS: 8192x8192 video ${video.peakMb} MB, 1.9 GB HEIC ${heic.peakMb} MB, 30000x30000 PNG ${png.peakMb} MB`);
      for (const job of [video, heic, png]) {
        expect(job.line).toMatchObject({ status: 'failed', error: { code: 'TOO_LARGE' } });
        expect(job.peakMb).toBeGreaterThan(0);
        expect(job.peakMb).toBeLessThan(1536);
      }
    } finally {
      removeDir(home);
    }
  });
});
