import { accessSync, constants, linkSync, unlinkSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError, cancelledError, toAppError } from '../../errors.js';
import { randomHex } from './randomNames.js';
import { makeDirectories } from '../../makeDirectories.js';
import type { ConflictPolicy, ConversionOptions } from '../plan/conversionOptions.js';
import { applyNameTemplate, SAME_FORMAT_SUFFIX } from './outputName.js';
import { committedFileAt, entryIdentityOf, identityOf, nameTaken, sameIdentity, type CommittedFile, type FileIdentity, type FileIdentitySet } from '../../fileIdentity.js';

/** `photo.jpg`, `photo (1).jpg`, `photo (2).jpg`, ... */
export function candidateName(base: string, extension: string, attempt: number): string {
  return attempt === 0 ? `${base}.${extension}` : `${base} (${attempt}).${extension}`;
}

/** The name of the output for an input: its base name with the target's extension. */
export function outputBaseName(inputPath: string): string {
  const base = path.basename(inputPath);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** What an output's name is made from, besides its input: the template (none: the input's name), the target and the quality. */
export interface OutputNaming {
  template?: string;
  target: string;
  quality: ConversionOptions['quality'];
}

/**
 * The output's name without its extension: the template's when there is one, else the input's; a name that
 * would be the input itself (a same-format conversion beside its input) gets SAME_FORMAT_SUFFIX instead of "(1)".
 * True collisions still get "(1)" when the file is committed.
 */
export function outputNameFor(inputPath: string, directory: string, extension: string, naming?: OutputNaming): string {
  const name = outputBaseName(inputPath);
  if (naming?.template !== undefined) {
    return applyNameTemplate(naming.template, { name, preset: naming.target, target: naming.target, ext: extension, quality: naming.quality });
  }
  const own = path.join(directory, candidateName(name, extension, 0));
  return own === path.resolve(inputPath) || isTheInput(own, inputPath) ? `${name}${SAME_FORMAT_SUFFIX}` : name;
}

/** The file at `target` exists and is the input (a case-insensitive disk, a hard link, a symlinked folder). */
function isTheInput(target: string, inputPath: string): boolean {
  if (path.extname(target).toLowerCase() !== path.extname(inputPath).toLowerCase()) return false;
  const entry = entryIdentityOf(target);
  if (entry === undefined) return false;
  const input = identityOf(inputPath);
  return sameIdentity(entry, input) || sameIdentity(identityOf(target), input);
}

/** A hidden temporary file beside the final output; renamed into place only on success. */
export function temporaryOutputPath(directory: string, base: string): string {
  return path.join(directory, `.${base}.${randomHex(6)}.convertr-part`);
}

export const TEMPORARY_SUFFIX = '.convertr-part';

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const text = error instanceof AppError ? `${error.message}\n${error.detail ?? ''}` : error instanceof Error ? error.message : '';
  return /No space left on device|ENOSPC|Disk quota exceeded/i.test(text);
}

function diskFull(directory: string): AppError {
  return new AppError('OUTPUT_DISK_FULL', `The disk holding ${directory} is full; free some space and try again.`);
}

// The per-job calls on folders and names below (mkdir, access, link, unlink) are synchronous: each is a
// few microseconds of system call, far less than a round trip through the thread pool that sharp and ffmpeg's
// pipes share, and a batch of small files makes thousands of them.

function isWritableDirectory(directory: string): boolean {
  if (process.platform === 'win32') return false;
  try {
    // "folder/." names a folder only (a file there fails with ENOTDIR).
    accessSync(`${directory}/.`, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The output folder exists (created if needed) and this process may write in it: checked before any work. */
export async function ensureDirectory(directory: string): Promise<void> {
  // The common case, a folder that exists and is writable, is one system call.
  if (isWritableDirectory(directory)) return;
  try {
    makeDirectories(directory);
  } catch (error) {
    if (isDiskFull(error)) throw diskFull(directory);
    throw new AppError('OUTPUT_UNWRITABLE', `The output folder ${directory} cannot be created: ${(error as Error).message}`);
  }
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch {
    throw new AppError('OUTPUT_UNWRITABLE', `The output folder ${directory} is not writable; choose another folder or change its permissions.`);
  }
}

/**
 * A job's scratch folder: the one recorded for it (created by the step that first needs it: most jobs never
 * do, and creating and removing a folder per job costs more than a small picture's conversion; whoever
 * recorded it removes it when the job ends), else a private one under the system's temporary folder, removed here.
 */
export async function openScratch(recorded: string | undefined): Promise<{ dir: string; remove(): Promise<void> }> {
  if (recorded !== undefined) return { dir: recorded, remove: () => Promise.resolve() };
  const dir = await mkdtemp(path.join(tmpdir(), 'convertr-job-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Creates a job's scratch folder if it does not exist yet (private to this user). */
export async function ensureScratch(dir: string): Promise<void> {
  makeDirectories(dir, 0o700);
}

/**
 * Moves the finished temporary file to the first free name. A hard link refuses to replace an existing
 * file, so two jobs finishing at once never overwrite each other; file systems without links fall back
 * to an existence check and a rename.
 */
export async function commitOutput(
  temporary: string,
  directory: string,
  base: string,
  extension: string,
  beforeAttempt: (target: string) => void | Promise<void> = () => {},
): Promise<string> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const target = path.join(directory, candidateName(base, extension, attempt));
    await beforeAttempt(target);
    try {
      linkSync(temporary, target);
      unlinkSync(temporary);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENOSPC') throw diskFull(directory);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') {
        throw new AppError('OUTPUT_UNWRITABLE', `The output could not be saved as ${target}: ${(error as Error).message}`);
      }
      if (nameTaken(target)) continue;
      await rename(temporary, target);
      return target;
    }
  }
  throw new AppError('OUTPUT_UNWRITABLE', `No free file name for ${base}.${extension} in ${directory}.`);
}

export async function discard(file: string): Promise<void> {
  await rm(file, { force: true });
}

export interface OutputPlace {
  directory: string;
  base: string;
  extension: string;
  temporary: string;
  /** What happens when the output's name is taken. */
  onConflict: ConflictPolicy;
  /** The input, which no policy ever replaces. */
  inputPath: string;
  /** What the input is (device and inode), read when a policy may replace a file: names are compared by it, not by spelling. */
  inputIdentity?: FileIdentity;
  /** The other inputs of the job's batch, which no policy replaces either (read only when a replacement is about to happen). */
  batchInputs?: () => FileIdentitySet;
}

/** The folder (created if needed), the name and the hidden temporary file (`planned` when it lies in that folder) of a job's output. */
export async function prepareOutput(inputPath: string, outputDir: string | undefined, extension: string, onConflict: ConflictPolicy = 'keep-both', planned?: string, batchInputs?: () => FileIdentitySet, naming?: OutputNaming): Promise<OutputPlace> {
  const directory = path.resolve(outputDir ?? path.dirname(inputPath));
  await ensureDirectory(directory);
  const base = outputNameFor(inputPath, directory, extension, naming);
  const temporary = planned !== undefined && path.dirname(planned) === directory && planned.endsWith(TEMPORARY_SUFFIX) ? planned : temporaryOutputPath(directory, base);
  const inputIdentity = onConflict === 'keep-both' ? undefined : identityOf(inputPath);
  return { directory, base, extension, temporary, onConflict, inputPath: path.resolve(inputPath), ...(inputIdentity ? { inputIdentity } : {}), ...(batchInputs ? { batchInputs } : {}) };
}

/**
 * The file at `target` is the input itself, whatever the spelling (the same path, a hard link to it, the
 * same folder reached through a symlink, a symlink to it), or another input of the batch.
 */
function isAnInput(target: string, place: Omit<OutputPlace, 'temporary'>): boolean {
  if (target === place.inputPath) return true;
  const input = place.inputIdentity ?? identityOf(place.inputPath);
  const entry = entryIdentityOf(target);
  if (entry === undefined) return false;
  const followed = identityOf(target);
  if (sameIdentity(entry, input) || sameIdentity(followed, input)) return true;
  const batch = place.batchInputs?.();
  return batch !== undefined && (batch.has(entry) || batch.has(followed));
}

/**
 * The output's own name when a file already has it and the policy says to leave it alone (skip): the job
 * then does no work. The input itself having that name is no earlier output: the job converts, to a free name.
 */
export async function conflictToSkip(place: Omit<OutputPlace, 'temporary'>): Promise<string | undefined> {
  if (place.onConflict !== 'skip') return undefined;
  const target = path.join(place.directory, candidateName(place.base, place.extension, 0));
  return nameTaken(target) && !isAnInput(target, place) ? target : undefined;
}

/**
 * Replaces the file at the output's own name with the finished temporary file in one rename (readers see
 * the old file or the new one, never a mix). Never an input of the batch: then the output gets a free name.
 */
async function replaceOutput(temporary: string, place: Omit<OutputPlace, 'temporary'>, beforeAttempt: (target: string) => void | Promise<void>): Promise<string | undefined> {
  const target = path.join(place.directory, candidateName(place.base, place.extension, 0));
  if (isAnInput(target, place)) return undefined;
  await beforeAttempt(target);
  try {
    await rename(temporary, target);
    return target;
  } catch (error) {
    if (isDiskFull(error)) throw diskFull(place.directory);
    throw new AppError('OUTPUT_UNWRITABLE', `The output could not replace ${target}: ${(error as Error).message}`);
  }
}

/**
 * Commits a finished temporary file and returns the result with its final path and identity (the same
 * file under its final name: a link or a rename keeps its inode); `onCommit` hears each name tried first.
 */
export async function commitResult<R extends { outputPath: string; committed?: CommittedFile }>(
  temporary: string,
  place: Omit<OutputPlace, 'temporary'>,
  result: R,
  onCommit?: (result: R, temporaryPath: string) => void | Promise<void>,
): Promise<R> {
  const committed = committedFileAt(temporary);
  if (committed) result.committed = committed;
  const hear = (candidate: string) => onCommit?.({ ...result, outputPath: candidate }, temporary);
  const replaced = place.onConflict === 'overwrite' ? await replaceOutput(temporary, place, hear) : undefined;
  result.outputPath = replaced ?? await commitOutput(temporary, place.directory, place.base, place.extension, hear);
  return result;
}

/** A job that failed or was cancelled leaves nothing behind; the error says which (a full disk says so, whoever hit it). */
export async function abandonOutput(temporary: string, signal: AbortSignal | undefined, error: unknown, directory = path.dirname(temporary)): Promise<never> {
  await discard(temporary);
  if (signal?.aborted) throw cancelledError();
  if (isDiskFull(error)) throw diskFull(directory);
  throw toAppError(error);
}
