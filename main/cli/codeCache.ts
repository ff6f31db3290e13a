import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { chunkRequire } from './chunkRequire.js';

/**
 * V8's compiled code for the built command's own modules, kept in the data folder (`cache/code`): a command then
 * skips parsing and compiling them (Node 20 has no compile cache of its own). One file per module, named after the
 * module (whose name carries its content hash), Node's version, the architecture and the V8 flags; each holds
 * its length and CRC-32 before V8's data, so a cut or damaged file is never handed to V8. V8 itself refuses data
 * made for other source or flags; either way the module compiles from source and the file is written again.
 */

const MAGIC = 0x43435631; // "CCV1"
const HEADER_BYTES = 12;

interface Compiled {
  script: vm.Script;
  file: string;
  /** Written at exit: the file was missing, damaged or refused. */
  stale: boolean;
}

/** A short FNV-1a of the options that change V8's code: data made under other flags is refused anyway. */
function flagsKey(): string {
  let hash = 0x811c9dc5;
  for (const char of `${process.execArgv.join(' ')}|${process.env['NODE_OPTIONS'] ?? ''}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** The V8 data inside a cache file, when the file is whole. */
export function readCacheFile(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const data = bytes.subarray(HEADER_BYTES);
  if (bytes.readUInt32LE(4) !== data.length || bytes.readUInt32LE(8) !== crc32(data)) return undefined;
  return data;
}

/** Writes to a temporary name in the same folder, then renames: a reader sees the old file or the whole new one. */
export function writeCacheFile(file: string, data: Buffer): void {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(data.length, 4);
  header.writeUInt32LE(crc32(data), 8);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, data]));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Compiles the CommonJS modules under `modulesFolder` with cached code from `cacheFolder`, and at exit writes the
 * code of those that had none usable. The cache folder is made only inside an existing data folder; any failure
 * to read or write it leaves the command as it would be without a cache.
 */
export function installCodeCache(modulesFolder: string, cacheFolder: string): void {
  const prefix = `${modulesFolder}${path.sep}`;
  const suffix = `${process.version}-${process.arch}-${flagsKey()}.v8`;
  const compiled: Compiled[] = [];
  type Compile = (this: Module, content: string, filename: string) => unknown;
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const original = prototype._compile;
  let base: NodeJS.Require | undefined;
  prototype._compile = function compileWithCache(this: Module, content: string, filename: string): unknown {
    // A dynamic import() from a vm.Script needs an experimental loader option on Node 20: such modules compile as usual.
    if (!filename.startsWith(prefix) || content.includes('import(')) return original.call(this, content, filename);
    const file = path.join(cacheFolder, `${path.basename(filename)}.${suffix}`);
    const cachedData = readCacheFile(file);
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    compiled.push({ script, file, stale: cachedData === undefined || script.cachedDataRejected === true });
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
    // Every such module lies in the one folder: one of Node's require functions serves them all.
    base ??= Module.createRequire(filename);
    return wrapper.call(this.exports, this.exports, chunkRequire(this, path.dirname(filename), base), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    const stale = compiled.filter((c) => c.stale);
    if (stale.length === 0 || !existsSync(path.dirname(path.dirname(cacheFolder)))) return;
    try {
      mkdirSync(cacheFolder, { recursive: true });
      for (const { script, file } of stale) writeCacheFile(file, script.createCachedData());
      // Files of modules no longer built (an earlier version's) go.
      for (const name of readdirSync(cacheFolder)) {
        const module = name.slice(0, name.indexOf('.cjs.') + 4);
        if (name.endsWith('.v8') && !existsSync(path.join(modulesFolder, module))) rmSync(path.join(cacheFolder, name), { force: true });
      }
    } catch {
      // A full disk or a read-only data folder: the next command compiles from source again.
    }
  });
}
