import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** SIGKILL a batch mid-way, run the same command again: every input converted exactly once, nothing partial left. */
describe('crash recovery through the CLI', () => {
  let dir: string;
  let home: string;
  const inputs: string[] = [];

  beforeAll(() => {
    dir = tempDir('convertr-crash-');
    home = path.join(dir, 'home');
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'in', `clip${i}.mkv`);
      if (i === 0) {
        makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-f', 'matroska', path.join(dir, 'seed.mkv')]);
      }
      inputs.push(file);
    }
    mkdirSync(path.join(dir, 'in'));
    for (const file of inputs) copyFileSync(path.join(dir, 'seed.mkv'), file);
  });
  afterAll(() => removeDir(dir));

  it('finishes the batch after kill -9 with no duplicate, partial or lost output and a consistent database', async () => {
    const out = path.join(dir, 'out');
    const args = ['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', out, '--json', '--label', 'Crash Test Lab'];
    const env = { CONVERTR_HOME: home };
    const first = startCli(args, env);
    let lines = 0;
    await new Promise<void>((resolve) => {
      first.child.stdout!.on('data', (chunk: Buffer) => {
        lines += chunk.toString().split('\n').filter(Boolean).length;
        if (lines >= 2) resolve();
      });
    });
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const doneBeforeCrash = jsonLines(killed.stdout).length;
    expect(doneBeforeCrash).toBeLessThan(inputs.length);

    const second = await runCli(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Resuming the interrupted batch/);
    const rerun = jsonLines(second.stdout);
    expect(rerun.length).toBe(inputs.length - doneBeforeCrash);
    expect(rerun.every((l) => l['status'] === 'succeeded')).toBe(true);

    expect(readdirSync(out).sort()).toEqual(inputs.map((f) => path.basename(f, '.mkv') + '.mp4').sort());

    const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status = 'succeeded'").get()).toEqual({ n: inputs.length });
      expect(db.prepare("SELECT COUNT(*) AS n FROM queue_jobs WHERE state IN ('queued', 'running', 'committing')").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }

    const stats = await runCli(['stats', '--json'], env);
    expect(JSON.parse(stats.stdout)).toMatchObject({ totalRequests: inputs.length, cohorts: 1, mostUsedPair: 'MKV->MP4' });
    for (const output of [killed.stdout, killed.stderr, second.stdout, second.stderr, stats.stdout]) expect(output).not.toMatch(/crash test lab/i);
  });
});
