// `npm run dist` step: fetches ffmpeg and ffprobe of ONE build (the same ffmpeg-static release tag) for each
// platform a package is made for, checks that they run and report the same version, and puts them in
// vendor/ffmpeg/<os>-<arch>/ (electron-builder's names: linux, mac, win), which electron-builder ships outside the
// ASAR archive as resources/ffmpeg. Usage: tsx scripts/prepareFfmpeg.ts [--target mac-arm64] ... (default: this machine)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VENDOR_FFMPEG = path.join(ROOT, 'vendor', 'ffmpeg');
const DEFAULT_BINARIES_URL = 'https://github.com/eugeneware/ffmpeg-static/releases/download';
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

export interface FfmpegBuild {
  releaseTag: string;
  target: string;
  ffmpegVersion: string | null;
  ffprobeVersion: string | null;
  sha256: { ffmpeg: string; ffprobe: string };
}

/** The release tag ffmpeg-static pins: ffmpeg and ffprobe are both taken from it. */
export function pinnedReleaseTag(): string {
  const manifest = require('ffmpeg-static/package.json') as { 'ffmpeg-static': { 'binary-release-tag': string } };
  return manifest['ffmpeg-static']['binary-release-tag'];
}

export function firstVersionLine(output: string): string | null {
  return /^ff(?:mpeg|probe) version (\S+)/m.exec(output)?.[1] ?? null;
}

function runsAndReports(binary: string): string {
  const result = spawnSync(binary, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 30_000 });
  const version = result.status === 0 ? firstVersionLine(result.stdout) : null;
  if (!version) throw new Error(`${binary} does not run here: ${result.error?.message ?? result.stderr.trim().split('\n').pop() ?? `exit ${result.status}`}`);
  return version;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  return url.endsWith('.gz') ? gunzipSync(body) : body;
}

/** Downloads both tools for one target into a fresh folder, replacing the old one only when both are good. */
const NODE_PLATFORM_OF_OS: Record<string, string> = { linux: 'linux', mac: 'darwin', win: 'win32' };

/** electron-builder's `${os}-${arch}` for this machine. */
export function hostTarget(): string {
  const os = Object.entries(NODE_PLATFORM_OF_OS).find(([, platform]) => platform === process.platform)?.[0] ?? process.platform;
  return `${os}-${process.arch}`;
}

export async function prepareFfmpegBuild(options: { target: string; releaseTag: string; binariesUrl: string; vendorDir: string }): Promise<FfmpegBuild> {
  const [os, arch] = options.target.split('-');
  const platform = NODE_PLATFORM_OF_OS[os ?? ''];
  if (!platform || !arch) throw new Error(`unknown target ${options.target} (expected linux|mac|win-<arch>, e.g. mac-arm64)`);
  const exe = platform === 'win32' ? '.exe' : '';
  const finalDir = path.join(options.vendorDir, options.target);
  const work = `${finalDir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const sha256 = { ffmpeg: '', ffprobe: '' };
  for (const tool of ['ffmpeg', 'ffprobe'] as const) {
    const bytes = await download(`${options.binariesUrl}/${options.releaseTag}/${tool}-${platform}-${arch}.gz`);
    const file = path.join(work, `${tool}${exe}`);
    writeFileSync(file, bytes);
    chmodSync(file, 0o755);
    sha256[tool] = createHash('sha256').update(bytes).digest('hex');
  }
  const build: FfmpegBuild = { releaseTag: options.releaseTag, target: options.target, ffmpegVersion: null, ffprobeVersion: null, sha256 };
  if (options.target === hostTarget()) {
    build.ffmpegVersion = runsAndReports(path.join(work, `ffmpeg${exe}`));
    build.ffprobeVersion = runsAndReports(path.join(work, `ffprobe${exe}`));
    if (build.ffmpegVersion !== build.ffprobeVersion) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(`ffmpeg ${build.ffmpegVersion} and ffprobe ${build.ffprobeVersion} from ${options.releaseTag} are not one build`);
    }
  }
  writeFileSync(path.join(work, 'build.json'), `${JSON.stringify(build, null, 2)}\n`);
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(work, finalDir);
  return build;
}

function targetsFromArgs(argv: readonly string[]): string[] {
  const targets = argv.flatMap((arg, i) => (argv[i - 1] === '--target' ? [arg] : []));
  return targets.length > 0 ? targets : [hostTarget()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const releaseTag = process.env['FFMPEG_BINARY_RELEASE'] ?? pinnedReleaseTag();
  const binariesUrl = process.env['FFMPEG_BINARIES_URL'] ?? DEFAULT_BINARIES_URL;
  try {
    for (const target of targetsFromArgs(process.argv.slice(2))) {
      const build = await prepareFfmpegBuild({ target, releaseTag, binariesUrl, vendorDir: VENDOR_FFMPEG });
      process.stdout.write(`ffmpeg and ffprobe ${build.ffmpegVersion ?? '(not run: another platform)'} for ${target} from ${releaseTag}\n`);
    }
  } catch (error) {
    process.stderr.write(`Could not prepare ffmpeg for packaging: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
