import { SHARED_RUN_SIZE } from '../core/engine/plan/sharedRun.js';
import { createRequire } from 'node:module';
import { availableParallelism, homedir, totalmem } from 'node:os';
import { dataDirectory } from '../core/dataDirectory.js';
import { concurrencyLimits } from '../core/scheduling/concurrency.js';
import { LIGHT_PICTURE_LOAD, LIGHT_PICTURE_PIXELS } from '../core/scheduling/jobMemory.js';
import { MAX_JOB_MEMORY_BYTES, formatBytes, memoryBudget, memoryBudgetOverride } from '../core/scheduling/memoryEstimate.js';
import path from 'node:path';
import { runProcess } from '../../native/ffmpeg/runProcess.js';
import { locateNativeHeifDecoder } from '../../native/heic/nativeHeifDecoder.js';
import { KeytarSecretStore } from '../../native/keychain/keytarSecretStore.js';
import { DATABASE_FILE, openDatabase } from '../../native/sqlite/openDatabase.js';
import { locateFfmpegToolsFromEnvironment, type ToolLocation } from '../../native/ffmpeg/locateTools.js';
import type { DoctorArgs } from './args.js';
import type { CliIo } from './io.js';

interface Check {
  name: string;
  ok: boolean;
  /** Works, but worth the user's attention. */
  warning?: boolean;
  detail: string;
}

const SOURCE_LABEL: Record<ToolLocation['source'], (name: string) => string> = {
  env: (name) => `${name.toUpperCase()}_PATH`,
  packaged: () => 'the app\'s own ffmpeg build',
  bundled: (name) => `the ${name}-static package`,
  path: () => 'PATH',
};

async function toolVersion(tool: ToolLocation): Promise<string> {
  const result = await runProcess(tool.path, ['-version'], { timeoutMs: 10_000 }).catch(() => undefined);
  const first = result?.stdout.split('\n')[0] ?? '';
  return /version (\S+)/.exec(first)?.[1] ?? 'unknown version';
}

/** Versions of the HEIC decoder packages; each manifest is named literally so the import rule can check it. */
function packageVersion(name: 'heic-decode' | 'libheif-js'): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const manifest = (name === 'heic-decode' ? require('heic-decode/package.json') : require('libheif-js/package.json')) as { version: string };
    return manifest.version;
  } catch {
    return undefined;
  }
}

async function gatherChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const tools = locateFfmpegToolsFromEnvironment();
  if ('missing' in tools) {
    checks.push({ name: 'ffmpeg', ok: false, detail: tools.missing });
  } else {
    const versions = { ffmpeg: await toolVersion(tools.ffmpeg), ffprobe: await toolVersion(tools.ffprobe) };
    for (const name of ['ffmpeg', 'ffprobe'] as const) {
      const tool = tools[name];
      checks.push({ name, ok: true, detail: `${tool.path} (${versions[name]}, from ${SOURCE_LABEL[tool.source](name)})` });
    }
    if (versions.ffmpeg !== versions.ffprobe) {
      checks.push({ name: 'ffmpeg pair', ok: true, warning: true, detail: `ffmpeg ${versions.ffmpeg} and ffprobe ${versions.ffprobe} are different builds: probing may disagree with converting (set FFMPEG_PATH and FFPROBE_PATH to one build)` });
    }
  }
  try {
    const sharp = (await import('sharp')).default;
    checks.push({ name: 'sharp', ok: true, detail: `${sharp.versions.sharp ?? '?'} (libvips ${sharp.versions.vips})` });
  } catch (error) {
    checks.push({ name: 'sharp', ok: false, detail: (error as Error).message });
  }
  const heic = packageVersion('heic-decode');
  const native = locateNativeHeifDecoder();
  const fastPath = native ? `; HEIC->JPG fast path: ${native.binary}` : '; no native libheif decoder on PATH (HEIC->JPG uses heic-decode)';
  checks.push({ name: 'heic', ok: heic !== undefined, detail: heic ? `heic-decode ${heic} (libheif-js ${packageVersion('libheif-js') ?? '?'}), ${availableParallelism()} worker threads${fastPath}` : 'heic-decode is not installed' });
  try {
    await new KeytarSecretStore().read('convertr-doctor-probe');
    checks.push({ name: 'keychain', ok: true, detail: 'the OS keychain answers (hosted-API tokens are kept there)' });
  } catch (error) {
    checks.push({ name: 'keychain', ok: true, warning: true, detail: `${(error as Error).message} A registered token is kept in memory for one session only.` });
  }
  const limits = concurrencyLimits({ cores: availableParallelism(), totalMemoryBytes: totalmem() });
  checks.push({ name: 'concurrency', ok: true, detail: `video ${limits.perLane.video}, audio ${limits.perLane.audio}, image ${limits.perLane.image}, ${limits.total} slot(s) at once, a picture taking ${limits.share.image} of one (one of up to ${Math.sqrt(LIGHT_PICTURE_PIXELS)}x${Math.sqrt(LIGHT_PICTURE_PIXELS)} pixels ${limits.share.image * LIGHT_PICTURE_LOAD}); short sounds up to ${SHARED_RUN_SIZE} to one ffmpeg process, each taking 1/${SHARED_RUN_SIZE} of a slot (${availableParallelism()} cores)` });
  const override = memoryBudgetOverride(process.env);
  const budget = memoryBudget(totalmem(), override);
  checks.push({ name: 'memory', ok: true, detail: `running jobs share a budget of ${formatBytes(budget)} (${override ? 'CONVERTR_MEMORY_BUDGET_MB' : `the smaller of ${formatBytes(MAX_JOB_MEMORY_BYTES)} and a quarter of ${formatBytes(totalmem())} RAM`}); a picture needing more than ${formatBytes(MAX_JOB_MEMORY_BYTES)} is refused before decoding` });
  const dataDir = dataDirectory(process.env, process.platform, homedir());
  try {
    const db = openDatabase(dataDir);
    const version = db.pragma('user_version', { simple: true }) as number;
    const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    db.close();
    checks.push({ name: 'database', ok: true, detail: `${path.join(dataDir, DATABASE_FILE)} (SQLite ${sqlite}, schema ${version})` });
  } catch (error) {
    checks.push({ name: 'database', ok: false, detail: `${dataDir}: ${(error as Error).message}` });
  }
  return checks;
}

/** `convertr doctor`: exit 0 when conversions can run, 1 when something they need is missing. */
export async function doctorCommand(args: DoctorArgs, io: CliIo): Promise<number> {
  const checks = await gatherChecks();
  if (args.json) io.stdout(JSON.stringify(Object.fromEntries(checks.map((c) => [c.name, { ok: c.ok, ...(c.warning ? { warning: true } : {}), detail: c.detail }]))));
  else for (const check of checks) io.stdout(`${check.warning ? '!' : check.ok ? '✔' : '✘'} ${check.name.padEnd(12)} ${check.detail}`);
  return checks.every((c) => c.ok) ? 0 : 1;
}
