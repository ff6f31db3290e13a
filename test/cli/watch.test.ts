import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { startWatch, waitFor } from '../helpers/watchCli';

const finishedLines = (stdout: string) => jsonLines(stdout).filter((l) => l['event'] === 'finished');
const visible = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : []);
const partials = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.convertr-part')) : []);

describe('convertr watch', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-watchcli-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-f', 'matroska', path.join(dir, 'seed.mkv')]);
  });
  afterAll(() => removeDir(dir));

  it('after SIGKILL mid-batch and a restart, converts every file exactly once and leaves no partial output', async () => {
    const input = path.join(dir, 'crash-in');
    const out = path.join(dir, 'crash-out');
    const home = path.join(dir, 'crash-home');
    mkdirSync(input);
    const names = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
    // Inputs must differ in content: a rule knows a file by its hash. ffmpeg metadata makes each copy unique.
    for (const name of names) makeMedia(['-i', path.join(dir, 'seed.mkv'), '-c', 'copy', '-metadata', `title=${name}`, path.join(input, `${name}.mkv`)]);
    const args = [input, '--to', 'mp4', '--out', out, '--json', '--stable-for', '300ms'];
    const env = { CONVERTR_HOME: home };

    const first = startWatch(args, env);
    await waitFor(() => finishedLines(first.output().stdout).length >= 2 && partials(out).length > 0, 'two conversions done and a third being written', 90_000, 20);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const beforeCrash = finishedLines(killed.stdout).length;
    expect(beforeCrash).toBeLessThan(names.length);
    expect(partials(out).length, 'a partial output left by the kill').toBeGreaterThan(0);

    copyFileSync(path.join(dir, 'seed.mkv'), path.join(input, 'added-while-stopped.mkv'));
    const second = startWatch(args, env);
    const total = names.length + 1;
    await waitFor(() => visible(out).length === total && finishedLines(second.output().stdout).length === total - beforeCrash, 'the rest of the batch', 120_000, 100);
    second.child.kill('SIGINT');
    const after = await second.done;
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/Recovered an interrupted run: .*[1-9] partial output\(s\) removed/);

    const rerun = finishedLines(after.stdout);
    expect(rerun.every((l) => l['status'] === 'succeeded')).toBe(true);
    const convertedInputs = [...finishedLines(killed.stdout), ...rerun].map((l) => path.basename(String(l['input']))).sort();
    expect(convertedInputs).toEqual([...names.map((n) => `${n}.mkv`), 'added-while-stopped.mkv'].sort());
    expect(visible(out)).toEqual([...names.map((n) => `${n}.mp4`), 'added-while-stopped.mp4'].sort());
    expect(partials(out)).toEqual([]);

    const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE status = 'succeeded'").get()).toEqual({ n: total });
      // The rule's files are jobs of its batch in the one job table, each converted once, none left unfinished.
      expect(db.prepare("SELECT state, COUNT(*) AS n FROM queue_jobs GROUP BY state").all()).toEqual([{ state: 'succeeded', n: total }]);
      expect(db.prepare("SELECT origin, rule_id AS ruleId FROM queue_batches").all()).toEqual([{ origin: 'rule', ruleId: 1 }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM watch_rules').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('stops on SIGINT mid-conversion with exit 0, leaving nothing partial, and converts that file at the next start', async () => {
    const input = path.join(dir, 'int-in');
    const out = path.join(dir, 'int-out');
    const home = path.join(dir, 'int-home');
    mkdirSync(input);
    copyFileSync(path.join(dir, 'seed.mkv'), path.join(input, 'clip.mkv'));
    const args = [input, '--to', 'mp4', '--out', out, '--json', '--stable-for', '300ms'];
    const first = startWatch(args, { CONVERTR_HOME: home });
    await waitFor(() => partials(out).length > 0, 'the conversion to start writing', 60_000, 20);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(finishedLines(stopped.stdout).filter((l) => l['status'] === 'succeeded')).toEqual([]);
    expect(readdirSync(out)).toEqual([]);

    const second = startWatch(args, { CONVERTR_HOME: home });
    await waitFor(() => finishedLines(second.output().stdout).length === 1, 'the conversion after restart', 60_000);
    second.child.kill('SIGTERM');
    const done = await second.done;
    expect(done.code).toBe(0);
    expect(readdirSync(out)).toEqual(['clip.mp4']);
  });

  it('explains bad input: usage errors exit 2, a rule that would loop on its outputs exits 1', async () => {
    const input = path.join(dir, 'usage-in');
    mkdirSync(input);
    const env = { CONVERTR_HOME: path.join(dir, 'usage-home') };
    const noTarget = await startWatch([input], env).done;
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/watch needs --to <format>/);
    const badTarget = await startWatch([input, '--to', 'docx'], env).done;
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/--to docx is not a format Convertr writes/);
    const loop = await startWatch([input, '--to', 'jpg', '--out', input], env).done;
    expect(loop.code).toBe(1);
    expect(loop.stderr).toMatch(/outputs would be converted again.*\[RULE_INVALID\]/s);
    const missing = await startWatch([path.join(dir, 'nope'), '--to', 'jpg'], env).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*\[INPUT_NOT_FOUND\]/s);
  });
});
