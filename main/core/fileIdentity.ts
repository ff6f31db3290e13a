import { lstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';

/**
 * What a file is, whatever names lead to it: its device and inode (decimal strings: an inode may not fit
 * in a double). Two paths name the same file exactly when their identities are equal, hard links and
 * symlinked folders included.
 */
export interface FileIdentity {
  dev: string;
  ino: string;
}

/**
 * An output as its job committed it: its identity, size and modification time. An inode freed by a
 * deletion is soon given to a new file, so the size and time tell that file from the one the job wrote.
 */
export interface CommittedFile extends FileIdentity {
  size: string;
  mtimeNs: string;
}

export function committedFileOf(stats: Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs'>): CommittedFile {
  return { ...identityOfStats(stats), size: stats.size.toString(), mtimeNs: stats.mtimeNs.toString() };
}

/** The file open (or statted) now is the very one the job committed, unchanged since. */
export function isCommittedFile(stats: Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs'>, committed: CommittedFile | null | undefined): boolean {
  if (!committed) return false;
  const now = committedFileOf(stats);
  return sameIdentity(now, committed) && now.size === committed.size && now.mtimeNs === committed.mtimeNs;
}

/** The committed record of a finished temporary file (its own entry: a link or a rename keeps all of it); undefined when it is gone. */
export function committedFileAt(file: string): CommittedFile | undefined {
  try {
    return committedFileOf(lstatSync(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

export function identityOfStats(stats: Pick<BigIntStats, 'dev' | 'ino'>): FileIdentity {
  return { dev: stats.dev.toString(), ino: stats.ino.toString() };
}

export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Files known by what they are, to ask whether a path names one of them whatever its spelling. */
export class FileIdentitySet {
  private readonly keys = new Set<string>();

  constructor(paths: Iterable<string>) {
    for (const file of paths) {
      const identity = identityOf(file);
      if (identity) this.keys.add(`${identity.dev}:${identity.ino}`);
    }
  }

  has(identity: FileIdentity | undefined): boolean {
    return identity !== undefined && this.keys.has(`${identity.dev}:${identity.ino}`);
  }
}

/** The file a path leads to (symlinks followed); undefined when there is none. */
export function identityOf(file: string): FileIdentity | undefined {
  try {
    return identityOfStats(statSync(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

/** The path's own entry (a symlink is itself, not what it points to); undefined when there is none. */
export function entryIdentityOf(file: string): FileIdentity | undefined {
  try {
    return identityOfStats(lstatSync(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

/** Something (a file, a folder, even a dangling symlink) has this name. */
export function nameTaken(file: string): boolean {
  return entryIdentityOf(file) !== undefined;
}

/**
 * The real path of a folder, symlinks resolved, even when it does not exist yet: its nearest existing
 * ancestor is resolved and the missing part is added back as typed. Folder rules (the app's own folders,
 * output, done and watched folders) are decided on this, never on the spelling.
 */
export function realFolderPath(folder: string): string {
  const missing: string[] = [];
  let current = path.resolve(folder);
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(folder);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
