import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ToolSource = 'env' | 'packaged' | 'bundled' | 'path';

export interface ToolLocation {
  path: string;
  source: ToolSource;
}

export interface FfmpegTools {
  ffmpeg: ToolLocation;
  ffprobe: ToolLocation;
}

export interface LocateDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The pair a packaged app ships in its resources (one build, prepared by `npm run dist`). */
  packaged: () => { ffmpeg: string | undefined; ffprobe: string | undefined };
  /** The binaries shipped by ffmpeg-static and ffprobe-static, when those packages are installed. */
  bundled: () => { ffmpeg: string | undefined; ffprobe: string | undefined };
  isExecutable: (file: string) => boolean;
}

export function isExecutableFile(file: string): boolean {
  try {
    // A missing file answers undefined rather than an error: most PATH folders do not hold the tool, and an error each costs its stack.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Inside a packaged Electron app the binaries live in app.asar.unpacked. */
function unpacked(file: string): string {
  return file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}

export function packagedBinaries(resourcesPath = (process as { resourcesPath?: string }).resourcesPath, platform = process.platform): { ffmpeg: string | undefined; ffprobe: string | undefined } {
  if (!resourcesPath) return { ffmpeg: undefined, ffprobe: undefined };
  const exe = platform === 'win32' ? '.exe' : '';
  return { ffmpeg: path.join(resourcesPath, 'ffmpeg', `ffmpeg${exe}`), ffprobe: path.join(resourcesPath, 'ffmpeg', `ffprobe${exe}`) };
}

export function bundledBinaries(): { ffmpeg: string | undefined; ffprobe: string | undefined } {
  const require = createRequire(import.meta.url);
  const tryResolve = (load: () => unknown): string | undefined => {
    try {
      const value = load();
      const file = typeof value === 'string' ? value : (value as { path?: string } | null)?.path;
      return file ? unpacked(file) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    ffmpeg: tryResolve(() => require('ffmpeg-static')),
    ffprobe: tryResolve(() => require('ffprobe-static')),
  };
}

function findOnPath(name: string, deps: LocateDeps): string | undefined {
  const dirs = (deps.env['PATH'] ?? '').split(deps.platform === 'win32' ? ';' : ':').filter(Boolean);
  const names = deps.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const file = path.join(dir, candidate);
      if (deps.isExecutable(file)) return file;
    }
  }
  return undefined;
}

/**
 * Resolves ffmpeg and ffprobe in the documented order: FFMPEG_PATH / FFPROBE_PATH, the pair a packaged app
 * ships, the ffmpeg-static/ffprobe-static packages, then PATH. A shipped or bundled pair is used only when both
 * of its binaries are present, so that ffmpeg and ffprobe come from one place.
 */
export function locateFfmpegTools(deps: LocateDeps): FfmpegTools | { missing: string } {
  const completePair = (pair: { ffmpeg: string | undefined; ffprobe: string | undefined }) =>
    pair.ffmpeg && pair.ffprobe && deps.isExecutable(pair.ffmpeg) && deps.isExecutable(pair.ffprobe) ? { ffmpeg: pair.ffmpeg, ffprobe: pair.ffprobe } : undefined;
  const packagedPair = completePair(deps.packaged());
  const bundledPair = packagedPair ? undefined : completePair(deps.bundled());
  const pick = (name: 'ffmpeg' | 'ffprobe', envVar: string): ToolLocation | string => {
    const fromEnv = deps.env[envVar];
    if (fromEnv) {
      return deps.isExecutable(fromEnv) ? { path: fromEnv, source: 'env' } : `${envVar} points to ${fromEnv}, which is not an executable file`;
    }
    if (packagedPair) return { path: packagedPair[name], source: 'packaged' };
    if (bundledPair) return { path: bundledPair[name], source: 'bundled' };
    const onPath = findOnPath(name, deps);
    return onPath ? { path: onPath, source: 'path' } : `${name} was not found (set ${envVar}, install ffmpeg-static, or put ${name} on PATH)`;
  };
  const ffmpeg = pick('ffmpeg', 'FFMPEG_PATH');
  const ffprobe = pick('ffprobe', 'FFPROBE_PATH');
  if (typeof ffmpeg === 'string') return { missing: ffmpeg };
  if (typeof ffprobe === 'string') return { missing: ffprobe };
  return { ffmpeg, ffprobe };
}

export function locateFfmpegToolsFromEnvironment(): FfmpegTools | { missing: string } {
  return locateFfmpegTools({ env: process.env, platform: process.platform, packaged: () => packagedBinaries(), bundled: bundledBinaries, isExecutable: isExecutableFile });
}

