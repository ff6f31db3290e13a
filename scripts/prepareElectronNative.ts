// Gives better-sqlite3 a build for Electron's ABI, kept beside the Node build (see native/sqlite/electronBinding.ts).
// A prebuilt binary for that Electron is fetched when the project publishes one; otherwise the addon is compiled
// against Electron's headers. Both need a network the first time; afterwards the build is reused until Electron or
// better-sqlite3 changes version. Usage: tsx scripts/prepareElectronNative.ts [--runtime electron|node] [--target X]
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronSqliteBindingPath, installedBetterSqliteVersion } from '../native/sqlite/electronBinding.js';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT_MS = 10 * 60_000;

export interface PrepareOptions {
  /** `electron` for `npm start`; `node` lets tests exercise the same steps offline with Node's cached headers. */
  runtime: 'electron' | 'node';
  target: string;
  destination: string;
  log: (line: string) => void;
}

function run(command: string, args: string[], cwd: string, log: (line: string) => void): boolean {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, env: { ...process.env, npm_config_loglevel: 'error' } });
  log(`$ ${[path.basename(command), ...args].join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`);
  return result.status === 0;
}

/** Builds the addon in a scratch copy of the package, so the Node build in node_modules is never touched. */
export function prepareSqliteBinding(options: PrepareOptions): void {
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(path.join(tmpdir(), 'convertr-electron-native-'));
  try {
    for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(path.join(source, entry), path.join(work, entry), { recursive: true });
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    const common = [`--runtime=${options.runtime}`, `--target=${options.target}`, `--arch=${process.arch}`];
    const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), ...common, `--platform=${process.platform}`], work, options.log);
    if (!prebuilt || !existsSync(built)) {
      const headers = options.runtime === 'electron' ? ['--dist-url=https://electronjs.org/headers'] : [];
      if (!run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', ...common, ...headers], work, options.log) || !existsSync(built)) {
        throw new Error(`could not fetch or compile better-sqlite3 for ${options.runtime} ${options.target}`);
      }
    }
    mkdirSync(path.dirname(options.destination), { recursive: true });
    const partial = `${options.destination}.partial`;
    copyFileSync(built, partial);
    renameSync(partial, options.destination);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runtime = argument('runtime') === 'node' ? 'node' : 'electron';
  const target = argument('target') ?? (require('electron/package.json') as { version: string }).version;
  const destination = argument('out') ?? electronSqliteBindingPath(ROOT, { electronVersion: target, betterSqliteVersion: installedBetterSqliteVersion(), platform: process.platform, arch: process.arch });
  if (existsSync(destination)) process.exit(0);
  try {
    prepareSqliteBinding({ runtime, target, destination, log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`${destination}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
