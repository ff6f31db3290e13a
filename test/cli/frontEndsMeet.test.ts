import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServedApp } from '../helpers/browser';
import { jsonLines, runBuiltCli, startBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { startHostedTestServer } from '../hosted-server/hostedTestServer';
import { waitFor } from '../helpers/watchCli';

/** `count` small pictures of distinct content (a rule converts each distinct content once). */
async function pictures(folder: string, count: number): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const file = path.join(folder, `p${String(i).padStart(2, '0')}.png`);
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 13) % 256 } } }).png().toFile(file);
    return file;
  }));
}

interface JobView { id: number; input: string; status: string; output: string | null; notes?: string[] }

/** The window's calls, through `convertr serve`'s HTTP bridge. */
function windowOf(served: ServedApp) {
  const url = new URL(served.url);
  const token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  return async <T>(channel: string, body: unknown = {}): Promise<T> => {
    const response = await fetch(`${url.origin}/api/invoke/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!json.ok) throw new Error(`${channel}: ${json.error?.message}`);
    return json.value!;
  };
}

const FINISHED = ['succeeded', 'skipped', 'failed', 'cancelled'];

/** Where two front ends meet on the same files, with the installed command (bin/convertr.js) in real processes. */
describe('front ends that meet on the same files (real processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-meet-');
  });
  afterAll(() => removeDir(dir));

  for (const offsetMs of [100, 400, 800]) {
    it(`watch and convert on the same 30 pictures, convert started ${offsetMs} ms after: exactly one output per input, no "(1)" copies`, async () => {
      const home = path.join(dir, `home-${offsetMs}`);
      const input = path.join(dir, `in-${offsetMs}`);
      const out = path.join(dir, `out-${offsetMs}`);
      const inputs = await pictures(input, 30);
      const env = { CONVERTR_HOME: home };
      const watch = startBuiltCli(['watch', input, '--to', 'webp', '--out', out, '--stable-for', '200ms', '--json'], env);
      let watchOut = '';
      let watchErr = '';
      watch.child.stdout!.on('data', (c: Buffer) => (watchOut += c.toString()));
      watch.child.stderr!.on('data', (c: Buffer) => (watchErr += c.toString()));
      try {
        await new Promise((resolve) => setTimeout(resolve, offsetMs));
        const convert = await runBuiltCli(['convert', input, '--to', 'webp', '--out', out, '--json'], env);
        expect(convert.code, convert.stderr).toBe(0);
        expect(jsonLines(convert.stdout)).toHaveLength(30);
        // The watch hears of every picture too: converted by it, or by the convert it waited for.
        const handled = () => new Set(jsonLines(watchOut).filter((l) => l['event'] === 'finished' || l['event'] === 'skipped').map((l) => l['input'])).size;
        await waitFor(() => handled() === 30, `the watch to handle all 30 pictures (${handled()} so far; ${watchErr})`, 60_000);
      } finally {
        watch.child.kill('SIGINT');
        await watch.done;
      }
      const outputs = readdirSync(out).sort();
      expect(outputs.filter((name) => name.includes('(1)'))).toEqual([]);
      expect(outputs).toEqual(inputs.map((file) => `${path.basename(file, '.png')}.webp`).sort());
    }, 120_000);
  }

  it('a window drop (queue:enqueue through serve) of a folder convert is converting: every file accounted for, none converted twice', async () => {
    const home = path.join(dir, 'home-serve');
    const input = path.join(dir, 'in-serve');
    const inputs = await pictures(input, 30);
    const served = await startServe(home);
    try {
      const invoke = windowOf(served);
      const convert = runBuiltCli(['convert', input, '--to', 'webp', '--json'], { CONVERTR_HOME: home });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const drop = await invoke<{ jobIds: number[]; skipped: { path: string; reason: string }[] }>('queue:enqueue', { paths: [input], target: 'webp' });
      const cli = await convert;
      expect(cli.code, cli.stderr).toBe(0);
      const rows = async () => (await invoke<{ jobs: JobView[] }>('queue:get')).jobs.filter((j) => drop.jobIds.includes(j.id));
      const accounted = new Set([...(await rows()).map((j) => j.input), ...drop.skipped.map((s) => s.path)]);
      expect(inputs.filter((file) => !accounted.has(file)), JSON.stringify(drop)).toEqual([]);
      await waitFor(async () => (await rows()).every((j) => FINISHED.includes(j.status)), 'the window rows to finish', 60_000);
      expect((await rows()).filter((j) => j.status === 'failed' || j.status === 'cancelled')).toEqual([]);
      // A row whose file the command line converted becomes that conversion's result, and says so.
      for (const row of (await rows()).filter((j) => j.status === 'skipped')) {
        expect(row.notes?.[0]).toMatch(/converted by convertr, process \d+/);
      }
    } finally {
      await served.stop();
    }
    const outputs = readdirSync(input).filter((name) => name.endsWith('.webp')).sort();
    expect(outputs.filter((name) => name.includes('(1)'))).toEqual([]);
    expect(outputs).toEqual(inputs.map((file) => `${path.basename(file, '.png')}.webp`).sort());
  }, 120_000);

  it('two serves on one data folder, the same folder dropped into both: every file accounted for in each, one output per input', async () => {
    const home = path.join(dir, 'home-two');
    const input = path.join(dir, 'in-two');
    const inputs = await pictures(input, 30);
    const [first, second] = await Promise.all([startServe(home), startServe(home)]);
    try {
      const windows = [windowOf(first), windowOf(second)];
      const drops = await Promise.all(windows.map((invoke) => invoke<{ jobIds: number[]; skipped: { path: string; reason: string }[] }>('queue:enqueue', { paths: [input], target: 'webp' })));
      for (const drop of drops) expect(drop.jobIds.length + drop.skipped.length, JSON.stringify(drop)).toBe(30);
      for (const [i, invoke] of windows.entries()) {
        const rows = async () => (await invoke<{ jobs: JobView[] }>('queue:get')).jobs.filter((j) => drops[i]!.jobIds.includes(j.id));
        await waitFor(async () => (await rows()).every((j) => FINISHED.includes(j.status)), `the rows of serve ${i + 1} to finish`, 60_000);
        expect((await rows()).filter((j) => j.status === 'failed' || j.status === 'cancelled')).toEqual([]);
      }
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const outputs = readdirSync(input).filter((name) => name.endsWith('.webp')).sort();
    expect(outputs.filter((name) => name.includes('(1)'))).toEqual([]);
    expect(outputs).toEqual(inputs.map((file) => `${path.basename(file, '.png')}.webp`).sort());
  }, 120_000);

  it('a hosted batch-folder rule\'s job is counted hosted in stats --json', async () => {
    const server = await startHostedTestServer();
    const home = path.join(dir, 'home-hosted');
    const watched = path.join(dir, 'hosted-inbox');
    const out = path.join(dir, 'hosted-out');
    mkdirSync(watched);
    const env = { CONVERTR_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', CONVERTR_HOSTED_TIMEOUT_MS: '' };
    const served = await startServe(home, env);
    try {
      const invoke = windowOf(served);
      await invoke('settings:set', { apiUrl: server.url });
      await invoke('folders:add', { inputFolder: watched, target: 'mp3', outputFolder: out, recursive: false, include: [], exclude: [], doneFolder: null, mode: 'hosted' });
      makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', path.join(dir, 'tone.wav')]);
      await import('node:fs/promises').then((fs) => fs.rename(path.join(dir, 'tone.wav'), path.join(watched, 'tone.wav')));
      await waitFor(() => existsSync(path.join(out, 'tone.mp3')), 'the rule\'s output', 60_000);
      await waitFor(async () => (await invoke<{ rules: { converted: number }[] }>('folders:list')).rules[0]?.converted === 1, 'the rule to record it', 30_000);
    } finally {
      await served.stop();
      await server.close();
    }
    expect(server.requests.some((r) => r.path === '/api/convert')).toBe(true);
    const stats = await runBuiltCli(['stats', '--json'], env);
    expect(stats.code, stats.stderr).toBe(0);
    const pair = (JSON.parse(stats.stdout) as { pairs: { pair: string; byMode: { mode: string; succeeded: number }[] }[] }).pairs.find((p) => p.pair === 'WAV->MP3');
    expect(pair?.byMode).toEqual([expect.objectContaining({ mode: 'hosted', succeeded: 1 })]);
  }, 120_000);
});
