import { execFileSync, spawn } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/**
 * Runs `body` (an ES module using the sources through tsx) in its own process: a reader that blocks in open()
 * would freeze this test process for good; here it is killed after `limitMs` and the test fails.
 */
function runIsolated(body: string, limitMs = 40_000): Promise<{ output: string; killed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ output: output.trim(), killed, ms: performance.now() - started });
    });
  });
}

/** What a call prints: its result's shape, or the error's code and message. */
const report = (call: string) => `
try {
  const value = await (${call});
  console.log('OK', value === undefined ? 'undefined' : value.length ?? value.sizeBytes ?? typeof value);
} catch (error) {
  console.log('ERROR', error.code, error.message);
}`;

describe('user input files are opened once, without blocking, and judged on the descriptor', () => {
  let dir: string;
  let pipe: string;
  let movie: string;

  beforeAll(() => {
    dir = tempDir('convertr-open-');
    pipe = path.join(dir, 'song.m4a');
    execFileSync('mkfifo', [pipe]);
    movie = path.join(dir, 'real.m4a');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', movie]);
  }, 60_000);
  afterAll(() => removeDir(dir));

  const readers: [string, (file: string) => string][] = [
    ['the small-file reader (readFileHead)', (file) => `import('./main/core/engine/identify/identifyInput.ts').then((m) => m.readFileHead(${JSON.stringify(file)}, 4096))`],
    ['the movie-box reader (probeMovieForAudio)', (file) => `import('./main/core/engine/identify/isoBmffProbe.ts').then((m) => m.probeMovieForAudio(${JSON.stringify(file)}))`],
    ['the movie-box reader (readMovieBox)', (file) => `import('./main/core/engine/identify/isoBmffProbe.ts').then((m) => m.readMovieBox(${JSON.stringify(file)}))`],
    ['identification (identifyInput)', (file) => `import('./main/core/engine/identify/identifyInput.ts').then((m) => m.identifyInput(${JSON.stringify(file)}))`],
  ];

  for (const [name, call] of readers) {
    it(`${name} refuses a named pipe at once instead of waiting for a writer`, async () => {
      const run = await runIsolated(report(call(pipe)));
      expect(run.killed, `blocked in open(): ${run.output}`).toBe(false);
      expect(run.output).toMatch(/^ERROR INPUT_UNREADABLE .*is not a file \(it is a named pipe\)/);
    }, 90_000);
  }

  it('follows a link the user named to a regular file, and refuses one that leads to a pipe', async () => {
    const linked = path.join(dir, 'linked.m4a');
    symlinkSync(movie, linked);
    const toPipe = path.join(dir, 'to-pipe.m4a');
    symlinkSync(pipe, toPipe);
    const good = await runIsolated(report(`import('./main/core/engine/identify/identifyInput.ts').then((m) => m.identifyInput(${JSON.stringify(linked)}))`));
    expect(good.output).toMatch(/^OK \d+/);
    const bad = await runIsolated(report(`import('./main/core/engine/identify/identifyInput.ts').then((m) => m.identifyInput(${JSON.stringify(toPipe)}))`));
    expect(bad.killed).toBe(false);
    expect(bad.output).toMatch(/named pipe/);
  }, 90_000);

  it('an output folder that cannot be made (/proc/nope) is OUTPUT_UNWRITABLE at once; a file in the way is too; a deep new folder is made', async () => {
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, 'x');
    const deep = path.join(dir, 'new', 'deeper', 'deepest');
    const run = await runIsolated(`
const { ensureDirectory } = await import('./main/core/engine/run/outputFiles.ts');
for (const folder of ['/proc/nope', '/proc/nope/deeper', ${JSON.stringify(path.join(blocked, 'sub'))}, ${JSON.stringify(deep)}]) {
  try { await ensureDirectory(folder); console.log('OK', folder); } catch (error) { console.log('ERROR', error.code, error.message); }
}`);
    expect(run.killed, `mkdir never ended: ${run.output}`).toBe(false);
    const lines = run.output.split('\n');
    expect(lines[0]).toMatch(/^ERROR OUTPUT_UNWRITABLE .*\/proc\/nope/);
    expect(lines[1]).toMatch(/^ERROR OUTPUT_UNWRITABLE .*\/proc\/nope\/deeper/);
    expect(lines[2]).toMatch(/^ERROR OUTPUT_UNWRITABLE .*a-file\/sub/);
    expect(lines[3]).toBe(`OK ${deep}`);
  }, 90_000);
});
