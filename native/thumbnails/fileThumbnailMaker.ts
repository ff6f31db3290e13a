import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ThumbnailSource } from '../../main/core/app/thumbnails.js';
import { localInputArgs } from '../../main/core/engine/plan/ffmpegPlan.js';
import { makeDirectories } from '../../main/core/makeDirectories.js';
import { identifyInput, type IdentifiedInput } from '../../main/core/engine/identify/identifyInput.js';

/** Longest edge of a row's picture, in pixels (twice the row's 48 px, for sharp screens). */
export const THUMBNAIL_EDGE = 96;
/** Pictures kept in the cache by default; the least recently made beyond this are removed. */
const MAX_CACHED = 2000;
/** Pictures made at the same time (each may be one ffmpeg process). */
const AT_ONCE = 2;
const FFMPEG_TIMEOUT_MS = 15_000;
/** Images above this many pixels are not decoded for a thumbnail (the conversion refuses them too). */
const MAX_PIXELS = 200_000_000;

export interface FileThumbnailMakerOptions {
  /** The cache folder (inside the data folder, never beside the user's files). */
  cacheDirectory: string;
  /** ffmpeg, for video frames and BMP; without it only images sharp reads get a picture. */
  ffmpeg: string | null;
  /** Pictures kept (default 2000); the cache is pruned after every twentieth of that many new ones. */
  maxCached?: number;
}

interface Made {
  mime: string;
  bytes: Buffer;
}

/** What the cache holds for a file: a picture, or the knowledge that it has none. */
type Cached = Made | 'none';

function runFfmpeg(binary: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve) => {
    execFile(binary, args, { encoding: 'buffer', timeout: FFMPEG_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      resolve(error ? Buffer.alloc(0) : stdout);
    });
  });
}

/**
 * Small pictures of the files in the window's rows: a video's frame (ffmpeg) or the image itself (sharp),
 * at most 96 px, cached on disk by path, size and modification time. Sound, HEIC (this machine's decoders
 * are too slow for a row's picture) and unreadable files have none. Nothing here throws.
 */
export class FileThumbnailMaker implements ThumbnailSource {
  private readonly inFlight = new Map<string, Promise<Cached>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private madeSincePrune = 0;

  private readonly maxCached: number;

  constructor(private readonly options: FileThumbnailMakerOptions) {
    this.maxCached = options.maxCached ?? MAX_CACHED;
  }

  async thumbnail(files: readonly string[]): Promise<string | null> {
    for (const file of files) {
      const made = await this.pictureOf(file).catch((): Cached => 'none');
      if (made !== 'none') return `data:${made.mime};base64,${made.bytes.toString('base64')}`;
    }
    return null;
  }

  private async pictureOf(file: string): Promise<Cached> {
    const info = await stat(file);
    if (!info.isFile() || info.size === 0) return 'none';
    const key = createHash('sha256').update(`${path.resolve(file)}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 40);
    const cached = await this.readCache(key);
    if (cached) return cached;
    let making = this.inFlight.get(key);
    if (!making) {
      making = this.limited(() => this.make(file)).then(async (made) => {
        await this.writeCache(key, made);
        return made;
      }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, making);
    }
    return making;
  }

  private async make(file: string): Promise<Cached> {
    const input = await identifyInput(file).catch(() => undefined);
    if (!input || input.kind === 'audio' || input.format === 'heic') return 'none';
    if (input.kind === 'image' && input.format !== 'bmp') return this.picture(input.path);
    return this.frame(input);
  }

  private async picture(file: string): Promise<Cached> {
    try {
      // Loaded on the first picture, so that opening the window does not wait for sharp.
      const { default: sharp } = await import('sharp');
      const bytes = await sharp(file, { limitInputPixels: MAX_PIXELS, failOn: 'none' })
        .autoOrient()
        .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 70 })
        .toBuffer();
      return { mime: 'image/webp', bytes };
    } catch {
      return 'none';
    }
  }

  /** A frame a second in (the first one of a shorter clip), turned upright and scaled. */
  private async frame(input: IdentifiedInput): Promise<Cached> {
    const { ffmpeg } = this.options;
    if (!ffmpeg) return 'none';
    const scale = `scale=${THUMBNAIL_EDGE}:${THUMBNAIL_EDGE}:force_original_aspect_ratio=decrease,format=yuvj420p`;
    const args = (seek: string[]) => ['-v', 'error', '-nostdin', ...localInputArgs(input, seek), '-map', '0:v:0', '-frames:v', '1', '-vf', scale, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', '-'];
    for (const seek of [['-ss', '1'], []]) {
      const bytes = await runFfmpeg(ffmpeg, args(seek));
      if (bytes.length > 0) return { mime: 'image/jpeg', bytes };
    }
    return 'none';
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private cacheFile(key: string): string {
    return path.join(this.options.cacheDirectory, `${key}.thumb`);
  }

  /** A cache file is the picture's MIME type, a newline and its bytes; an empty one says the file has no picture. */
  private async readCache(key: string): Promise<Cached | undefined> {
    const content = await readFile(this.cacheFile(key)).catch(() => undefined);
    if (content === undefined) return undefined;
    if (content.length === 0) return 'none';
    const newline = content.indexOf(0x0a);
    if (newline <= 0) return undefined;
    return { mime: content.subarray(0, newline).toString('latin1'), bytes: content.subarray(newline + 1) };
  }

  private async writeCache(key: string, made: Cached): Promise<void> {
    try {
      makeDirectories(this.options.cacheDirectory, 0o700);
      const temporary = `${this.cacheFile(key)}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, made === 'none' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`${made.mime}\n`, 'latin1'), made.bytes]));
      await rename(temporary, this.cacheFile(key));
      if (++this.madeSincePrune >= Math.max(1, Math.floor(this.maxCached / 20))) {
        this.madeSincePrune = 0;
        await this.prune();
      }
    } catch {
      // A cache that cannot be written only means the picture is made again next time.
    }
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.options.cacheDirectory)).filter((name) => name.endsWith('.thumb'));
    if (names.length <= this.maxCached) return;
    const entries = await Promise.all(names.map(async (name) => ({ name, mtimeMs: (await stat(path.join(this.options.cacheDirectory, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    await Promise.all(entries.slice(0, entries.length - this.maxCached).map(({ name }) => rm(path.join(this.options.cacheDirectory, name), { force: true })));
  }
}
