import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, ROOT } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** The built command in a pseudo-terminal (`script` from util-linux), as a user sees it: everything it wrote. */
function runInTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; text: string }> {
  const command = [process.execPath, BUILT_CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, text })));
}

/** Each redraw of the status lines, and the lines that stayed on the screen (the erased ones taken out). */
function screen(text: string): { draws: string[][]; kept: string[] } {
  const draws: string[][] = [];
  const kept: string[] = [];
  // A redraw starts after an erase (carriage return, cursor up, clear to the end of the screen).
  const ESC = String.fromCharCode(27);
  const chunks = text.split(new RegExp(`\r(?:${ESC}\\[\\d+A)?${ESC}\\[(?:J|2K)`));
  for (const [i, chunk] of chunks.entries()) {
    const lines = chunk.split('\r\n');
    // What is followed by an erase was a status block; a chunk's complete lines before it were printed for good.
    const block = i < chunks.length - 1 ? lines.splice(lines.findIndex((l) => l.startsWith('['))) : [];
    if (block.length > 0 && !(block.length === 1 && block[0] === '')) draws.push(block);
    kept.push(...lines.filter((l) => l !== ''));
  }
  return { draws, kept };
}

describe('convert in a terminal', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = tempDir('convertr-tty-');
    env = { CONVERTR_HOME: path.join(dir, 'home') };
    for (const name of ['first', 'second']) {
      makeMedia(['-f', 'lavfi', '-i', 'testsrc=s=640x360:d=40:r=25', '-f', 'lavfi', '-i', 'sine=d=40', '-c:v', 'mpeg4', '-q:v', '2', '-c:a', 'mp3', path.join(dir, `${name}.avi`)]);
    }
  });
  afterAll(() => removeDir(dir));

  it('draws one closed progress line per file with a moving ETA, prints sizes, and the summary last', async () => {
    const run = await runInTerminal(['convert', path.join(dir, 'first.avi'), path.join(dir, 'second.avi'), '--to', 'mp4', '--out', path.join(dir, 'out')], env);
    expect(run.code, run.text).toBe(0);
    const { draws, kept } = screen(run.text);

    const progressLines = draws.flat();
    expect(progressLines.length).toBeGreaterThan(4);
    for (const line of progressLines) expect(line).toMatch(/^\[[0-2]\/2\] (first|second)\.avi +\d{1,3}% \((starting|almost done|\d+ s left|\d+ min \d{1,2} s left)\)$/);
    // Both files convert at once: each has its own line in the same redraw.
    expect(draws.some((d) => d.length === 2 && d[0]!.includes('first.avi') && d[1]!.includes('second.avi'))).toBe(true);

    // The ETA of a file moves from one redraw to the next, from its own rate, not a stage estimate.
    const etas = draws.flat().filter((l) => l.includes('first.avi')).map((l) => /\((\d+) s left\)/.exec(l)?.[1]).filter((v) => v !== undefined);
    expect(new Set(etas).size, etas.join(' ')).toBeGreaterThanOrEqual(3);
    expect(Number(etas[0])).toBeGreaterThan(Number(etas[etas.length - 1]));

    const finished = kept.filter((l) => l.startsWith('✔'));
    expect(finished).toHaveLength(2);
    for (const line of finished) expect(line).toMatch(/\(AVI->MP4, (\d+ ms|\d\.\d s|\d+ s|\d+ min \d{1,2} s), \d+\.\d (KB|MB) -> \d+\.\d (KB|MB)\)$/);
    expect(kept[kept.length - 1]).toMatch(/^2 converted in (\d+ ms|\d\.\d s|\d+ s|\d+ min \d{1,2} s)$/);
  });
});
