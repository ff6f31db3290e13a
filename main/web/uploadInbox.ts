import { createWriteStream } from 'node:fs';
import { readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectories } from '../core/makeDirectories.js';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The hosted API's limit, so a file that can be uploaded here can also be converted there. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 1024 ** 3;

/** Names the uploaded file inside its inbox folder, so that a cleanup never mistakes an output for an upload. */
const MARKER = '.convertr-upload';

/** Longest file name in UTF-8 bytes (most file systems allow 255; the output's " (1).jpg" needs room too). */
const MAX_NAME_BYTES = 180;

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than the upload limit of ${limit} bytes.`);
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** A file name from the browser, made safe to use inside the inbox: no folders, no control characters, at most 180 bytes with its extension kept. */
export function safeUploadName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\p{Cc}<>:"|?*]/gu, '_').trim();
  const cleaned = base.replace(/^\.+/, '');
  if (cleaned === '' || cleaned === MARKER) return 'upload';
  if (Buffer.byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned;
  const ext = path.extname(cleaned);
  const keptExt = Buffer.byteLength(ext) <= 16 ? ext : '';
  return truncateUtf8(cleaned.slice(0, cleaned.length - keptExt.length), MAX_NAME_BYTES - Buffer.byteLength(keptExt)).trimEnd() + keptExt;
}

/** Counts bytes on their way to the file and stops the upload at the limit. */
async function* capped(source: Readable, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of source) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new UploadTooLarge(limit);
    yield chunk as Buffer;
  }
}

export class UploadInbox {
  private count = 0;

  constructor(
    readonly directory: string,
    readonly limitBytes: number,
  ) {}

  /**
   * Writes one upload to its own folder. A body cut short or over the limit leaves nothing behind:
   * the partial file and its folder are removed before the error is passed on.
   */
  async receive(body: Readable, name: string): Promise<string> {
    const folder = path.join(this.directory, `${Date.now().toString(36)}-${process.pid.toString(36)}-${(this.count++).toString(36)}`);
    const safeName = safeUploadName(name);
    makeDirectories(folder);
    const file = path.join(folder, safeName);
    try {
      await writeFile(path.join(folder, MARKER), safeName);
      await pipeline(capped(body, this.limitBytes), createWriteStream(file, { flags: 'wx' }));
      return file;
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  /** True for a file this inbox received (not an output written beside it). */
  async isUpload(file: string): Promise<boolean> {
    const folder = path.dirname(path.resolve(file));
    if (path.dirname(folder) !== path.resolve(this.directory)) return false;
    const recorded = await readFile(path.join(folder, MARKER), 'utf8').catch(() => undefined);
    return recorded === path.basename(file);
  }

  /** Removes an uploaded file once its job no longer needs it; outputs beside it stay, an emptied folder goes. */
  async release(file: string): Promise<void> {
    if (!(await this.isUpload(file))) return;
    const folder = path.dirname(path.resolve(file));
    await rm(file, { force: true });
    await rm(path.join(folder, MARKER), { force: true });
    await rmdir(folder).catch(() => undefined);
  }

  /** At start: removes every upload that no job still needs (`keep`), partial uploads included, and emptied folders. */
  async clean(keep: ReadonlySet<string>): Promise<number> {
    const entries = await readdir(this.directory, { withFileTypes: true }).catch(() => []);
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const folder = path.join(this.directory, entry.name);
      const recorded = await readFile(path.join(folder, MARKER), 'utf8').catch(() => undefined);
      if (recorded === undefined) continue;
      const upload = path.join(folder, recorded);
      if (keep.has(upload)) continue;
      await this.release(upload);
      removed++;
    }
    return removed;
  }
}
