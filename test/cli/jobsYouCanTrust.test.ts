import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli, startCliAsNobody } from '../helpers/cli';
import { corpus, makeMedia, removeDir, tempDir } from '../helpers/media';

/** Every file below a folder, relative, hidden ones included. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Pids of running processes whose command line mentions `needle` (zombies excluded). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /\) (\S)/.exec(readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1];
      if (cmdline.includes(needle) && state !== 'Z' && Number(entry) !== process.pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends a signal to a process that may have ended meanwhile. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // It ended.
  }
}

/** Polls `read` until `done` holds of its value or `timeoutMs` has passed; the last value either way. */
async function settled<T>(read: () => T, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  let value = read();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = read();
  }
  return value;
}

const HAS_HEIF_CONVERT = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v heif-convert || command -v heif-dec']);
    return true;
  } catch {
    return false;
  }
})();

function queryDb<T>(home: string, sql: string): T {
  const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

describe('jobs you can trust (real processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-trust-');
    chmodSync(dir, 0o755);
  });
  afterAll(() => removeDir(dir));

  it.skipIf(!HAS_HEIF_CONVERT)('kill -9 during a HEIC batch on the native decoder: no orphan decoder, no stray file, each input once', async () => {
    const home = path.join(dir, 'home-kill');
    const input = path.join(dir, 'heic-kill');
    const out = path.join(dir, 'out-kill');
    mkdirSync(input);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const name of names) copyFileSync(corpus('heic/pug.heic'), path.join(input, `${name}.heic`));
    const args = ['convert', input, '--to', 'jpg', '--out', out, '--json'];
    const first = startCli(args, { CONVERTR_HOME: home });
    const isDecoder = (pid: number) => {
      try {
        return /^heif-(convert|dec)$/.test(path.basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!));
      } catch {
        return false;
      }
    };
    await until(() => processesMentioning(input).some(isDecoder));
    // Frozen, a decoder cannot finish on its own: only the signal its parent's death sends can end it, however
    // long the wait, so the wait below can be generous without letting a decoder that outlives the command pass.
    // Only decoders already running as themselves: one still in its launcher (setpriv, then the parent check) is left
    // to show that a child started as its parent dies ends too.
    for (const pid of processesMentioning(input).filter((pid) => pid !== first.child.pid && isDecoder(pid))) signal(pid, 'SIGSTOP');
    first.child.kill('SIGKILL');
    await first.done;
    const outlived = await settled(() => processesMentioning(input), (pids) => pids.length === 0, 10_000);
    for (const pid of outlived) signal(pid, 'SIGKILL');
    expect(outlived, 'a decoder outlived the killed command').toEqual([]);

    const second = await runCli(args, { CONVERTR_HOME: home });
    expect(second.code, second.stderr).toBe(0);
    expect(tree(out)).toEqual(names.map((n) => `${n}.jpg`));
    expect(tree(path.join(home, 'scratch'))).toEqual([]);
    expect(queryDb<{ n: number }>(home, "SELECT COUNT(*) AS n FROM conversions WHERE status = 'succeeded'").n).toBe(names.length);
  }, 120_000);

  it.skipIf(!HAS_HEIF_CONVERT)('a HEIC holding several pictures leaves exactly one output file and an empty scratch folder', async () => {
    const home = path.join(dir, 'home-multi');
    const input = path.join(dir, 'multi');
    mkdirSync(input);
    const frames = ['1', '2', '3'].map((n) => path.join(input, `frame${n}.png`));
    frames.forEach((frame, i) => makeMedia(['-f', 'lavfi', '-i', `testsrc2=size=${320 + i * 16}x240`, '-frames:v', '1', frame]));
    execFileSync('heif-enc', ['-q', '50', ...frames, '-o', path.join(input, 'burst.heic')], { stdio: 'ignore' });
    const out = path.join(dir, 'out-multi');
    const run = await runCli(['convert', path.join(input, 'burst.heic'), '--to', 'jpg', '--out', out, '--json'], { CONVERTR_HOME: home });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'succeeded', output: path.join(out, 'burst.jpg') });
    expect(tree(out)).toEqual(['burst.jpg']);
    expect(tree(input).filter((f) => !f.startsWith('frame'))).toEqual(['burst.heic']);
    expect(tree(path.join(home, 'scratch'))).toEqual([]);
  }, 60_000);

  it('the same command started twice at once converts each file once and counts it once', async () => {
    const home = path.join(dir, 'home-twice');
    const input = path.join(dir, 'twice');
    mkdirSync(input);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(input, 'seed.mkv')]);
    const names = ['c1', 'c2', 'c3', 'c4'];
    for (const name of names) copyFileSync(path.join(input, 'seed.mkv'), path.join(input, `${name}.mkv`));
    execFileSync('rm', [path.join(input, 'seed.mkv')]);
    const out = path.join(dir, 'out-twice');
    const args = ['convert', input, '--to', 'mp4', '--out', out, '--json'];
    const [a, b] = await Promise.all([runCli(args, { CONVERTR_HOME: home }), runCli(args, { CONVERTR_HOME: home })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(tree(out)).toEqual(names.map((n) => `${n}.mp4`));
    expect(queryDb<{ n: number }>(home, 'SELECT COUNT(*) AS n FROM conversions').n).toBe(names.length);
    expect(`${a.stderr}${b.stderr}`).toMatch(/Another convertr \(process \d+\) is converting these files; waiting/);
    // The one that waited still reports every file, as the one that converted them saw it.
    for (const run of [a, b]) expect(jsonLines(run.stdout).map((l) => path.basename(l['input'] as string)).sort()).toEqual(names.map((n) => `${n}.mkv`));
  }, 120_000);

  it('an unreadable sub-folder is one failed line with its path, and the rest is converted (as an unprivileged user)', async () => {
    const home = path.join(dir, 'home-unreadable');
    const input = path.join(dir, 'unreadable');
    mkdirSync(path.join(input, 'open'), { recursive: true });
    mkdirSync(path.join(input, 'locked'));
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(input, 'open', 'p.jpg'));
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(input, 'locked', 'q.jpg'));
    chmodSync(path.join(input, 'locked'), 0o000);
    const out = path.join(dir, 'out-unreadable');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    mkdirSync(home, { mode: 0o777 });
    chmodSync(home, 0o777);
    const run = await startCliAsNobody(['convert', input, '--to', 'png', '--out', out, '--json'], { CONVERTR_HOME: home }).done;
    chmodSync(path.join(input, 'locked'), 0o755);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l['status'] === 'failed')).toMatchObject({ input: path.join(input, 'locked'), error: { code: 'INPUT_UNREADABLE', message: expect.stringContaining(path.join(input, 'locked')) } });
    expect(lines.find((l) => l['status'] === 'succeeded')).toMatchObject({ output: path.join(out, 'open', 'p.png') });
  }, 60_000);

  it('a read-only output folder is OUTPUT_UNWRITABLE naming the folder before any work, and nothing is written (as an unprivileged user)', async () => {
    const home = path.join(dir, 'home-readonly');
    mkdirSync(home, { mode: 0o777 });
    chmodSync(home, 0o777);
    const input = path.join(dir, 'readonly-in');
    mkdirSync(input);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(input, 'clip.mkv')]);
    chmodSync(input, 0o755);
    const out = path.join(dir, 'readonly-out');
    mkdirSync(out);
    chmodSync(out, 0o555);
    const run = await startCliAsNobody(['convert', path.join(input, 'clip.mkv'), '--to', 'webm', '--out', out, '--json'], { CONVERTR_HOME: home }).done;
    expect(run.code).toBe(1);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_UNWRITABLE', message: expect.stringContaining(out) } });
    // Refused before the encode: an encode of 8 s of 720p to WebM takes many seconds here.
    expect(line!['runtimeMs']).toBeLessThan(1500);
    expect(tree(out)).toEqual([]);
  }, 60_000);

  it('an unwritable data folder is one clear sentence, no stack trace', async () => {
    const home = path.join(dir, 'home-locked');
    mkdirSync(home);
    chmodSync(home, 0o555);
    const run = await startCliAsNobody(['convert', corpus('image/portrait_6.jpg'), '--to', 'png', '--out', path.join(dir, 'never')], { CONVERTR_HOME: path.join(home, 'data') }).done;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/The data folder .*home-locked\/data is not writable; .*CONVERTR_HOME.*\[DATA_FOLDER_UNWRITABLE\]/);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  }, 30_000);

  it('a full output disk is OUTPUT_DISK_FULL and leaves nothing behind', async (context) => {
    const mount = path.join(dir, 'small-disk');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      context.skip();
    }
    try {
      // Noise hardly compresses: 30 s of it in FLAC is about 2.7 MB, more than the 1 MB disk holds.
      const input = path.join(dir, 'noise.wav');
      makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=d=30:c=white:a=0.5', '-ar', '48000', '-ac', '2', input]);
      const run = await runCli(['convert', input, '--to', 'flac', '--out', mount, '--json'], { CONVERTR_HOME: path.join(dir, 'home-full') });
      expect(run.code).toBe(1);
      expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_DISK_FULL', message: expect.stringContaining(mount) } });
      expect(tree(mount)).toEqual([]);
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 60_000);

  it('folder inputs: own outputs and files in the target format are skipped, the same folder again is "already converted", --again converts, --out mirrors', async () => {
    const home = path.join(dir, 'home-folder');
    const input = path.join(dir, 'album');
    mkdirSync(path.join(input, 'a'), { recursive: true });
    mkdirSync(path.join(input, 'b'));
    copyFileSync(corpus('heic/pug.heic'), path.join(input, 'a', 'x.heic'));
    copyFileSync(corpus('heic/arrow.heic'), path.join(input, 'b', 'x.heic'));
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(input, 'already.jpg'));
    const env = { CONVERTR_HOME: home };

    const mirrored = path.join(dir, 'album-out');
    const first = await runCli(['convert', input, '--to', 'jpg', '--out', mirrored, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(tree(mirrored)).toEqual(['a/x.jpg', 'b/x.jpg']);
    expect(jsonLines(first.stdout).find((l) => l['status'] === 'skipped')).toMatchObject({ input: path.join(input, 'already.jpg'), reason: expect.stringMatching(/Already JPG/) });

    const again = await runCli(['convert', input, '--to', 'jpg', '--out', mirrored, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout).map((l) => l['status'])).toEqual(['skipped', 'skipped', 'skipped']);
    expect(jsonLines(again.stdout).filter((l) => /Already converted/.test(String(l['reason'])))).toHaveLength(2);
    expect(tree(mirrored)).toEqual(['a/x.jpg', 'b/x.jpg']);

    const forced = await runCli(['convert', input, '--to', 'jpg', '--out', mirrored, '--json', '--again'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(tree(mirrored)).toEqual(['a/x (1).jpg', 'a/x.jpg', 'b/x (1).jpg', 'b/x.jpg']);

    // In place, twice: the second run converts neither its own outputs nor the inputs again.
    const inPlace = await runCli(['convert', input, '--to', 'png', '--json'], env);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    const second = await runCli(['convert', input, '--to', 'png', '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(jsonLines(second.stdout).every((l) => l['status'] === 'skipped')).toBe(true);
    expect(tree(input).filter((f) => f.endsWith('.png')).sort()).toEqual(['a/x.png', 'already.png', 'b/x.png']);
    const stats = JSON.parse((await runCli(['stats', '--json'], env)).stdout) as { totalRequests: number };
    expect(stats.totalRequests).toBe(2 + 2 + 3);
  }, 180_000);
});
