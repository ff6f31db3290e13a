import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { waitFor } from '../helpers/watchCli';
import { startServe, type ServedApp } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

interface Answer { ok: boolean; value?: unknown; error?: { code: string; message: string } }

/** `convertr serve` (the built command) decides files by what they are, not by how their path is spelt. */
describe('convertr serve: downloads and folders by identity, over real HTTP', () => {
  let served: ServedApp;
  let home: string;
  let dir: string;
  let base: string;
  let token: string;

  const invoke = async (channel: string, body: unknown): Promise<Answer> => {
    const response = await fetch(`${base}/api/invoke/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as Answer;
  };
  const download = (id: number) => fetch(`${base}/api/download/${id}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    home = tempDir('convertr-web-identity-');
    dir = tempDir('convertr-web-identity-files-');
    served = await startServe(home);
    const url = new URL(served.url);
    base = url.origin;
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  }, 60_000);

  afterAll(async () => {
    await served?.stop();
    removeDir(home);
    removeDir(dir);
  });

  it('serves the file the job committed, and refuses it once it is swapped for a symlink or another file', async () => {
    const input = path.join(dir, 'portrait.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), input);
    const queued = await invoke('queue:enqueue', { paths: [input], target: 'png' });
    expect(queued.ok, JSON.stringify(queued)).toBe(true);
    const jobId = (queued.value as { jobIds: number[] }).jobIds[0]!;
    let output = '';
    await waitFor(async () => {
      const job = ((await invoke('queue:get', {})).value as { jobs: { id: number; status: string; output: string | null }[] }).jobs.find((j) => j.id === jobId);
      output = job?.status === 'succeeded' ? job.output ?? '' : '';
      return output !== '';
    }, 'the job to succeed', 30_000);

    const first = await download(jobId);
    expect(first.status).toBe(200);
    const written = readFileSync(output);
    expect(Buffer.from(await first.arrayBuffer()).equals(written)).toBe(true);

    unlinkSync(output);
    symlinkSync('/etc/passwd', output);
    const swapped = await download(jobId);
    const body = await swapped.text();
    expect(swapped.status).toBe(404);
    expect(body).not.toContain('root:');
    expect(body).toMatch(/no longer the file this job wrote/);

    // A regular file of the same name, but not the one the job wrote, is refused too.
    rmSync(output);
    copyFileSync(corpus('image/portrait_6.jpg'), output);
    expect((await download(jobId)).status).toBe(404);
  });

  it('keeps what a job committed with its row: after a restart the row still downloads, and only while unchanged', async () => {
    const input = path.join(dir, 'kept.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), input);
    const queued = await invoke('queue:enqueue', { paths: [input], target: 'webp' });
    const jobId = (queued.value as { jobIds: number[] }).jobIds[0]!;
    const rows = async () => ((await invoke('queue:get', {})).value as { jobs: { id: number; input: string; status: string; output: string | null }[] }).jobs;
    await waitFor(async () => (await rows()).some((j) => j.id === jobId && j.status === 'succeeded'), 'the job to succeed', 30_000);
    await served.stop();
    served = await startServe(home);
    const url = new URL(served.url);
    base = url.origin;
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
    const row = (await rows()).find((j) => j.input === input && j.status === 'succeeded')!;
    const again = await download(row.id);
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(readFileSync(row.output!))).toBe(true);
    appendFileSync(row.output!, 'changed since');
    expect((await download(row.id)).status).toBe(404);
  }, 90_000);

  it('refuses output and done folders that reach the window files or the data folder through a symlink', async () => {
    const favicon = readFileSync(path.join(ROOT, 'out/renderer/favicon.png'));
    const toRenderer = path.join(dir, 'pictures');
    symlinkSync(path.join(ROOT, 'out/renderer'), toRenderer);
    const toData = path.join(dir, 'archive');
    symlinkSync(home, toData);
    const watched = path.join(dir, 'watched');
    mkdirSync(watched);
    const rule = { inputFolder: watched, outputFolder: null, target: 'png', recursive: false, include: [], exclude: [], doneFolder: null };
    const cases: [string, unknown, RegExp][] = [
      ['settings:set', { outputFolder: toRenderer }, /The output folder .* is inside Convertr's window files/],
      // Not created yet: decided on its nearest folder that exists.
      ['settings:set', { outputFolder: path.join(toRenderer, 'new', 'deeper') }, /is inside Convertr's window files/],
      ['settings:set', { outputFolder: path.join(toData, 'outputs') }, /is inside Convertr's data folder/],
      ['folders:add', { ...rule, outputFolder: toRenderer }, /is inside Convertr's window files/],
      ['folders:add', { ...rule, doneFolder: path.join(toData, 'done') }, /is inside Convertr's data folder/],
    ];
    for (const [channel, body, message] of cases) {
      const answer = await invoke(channel, body);
      expect(answer.ok, `${channel} ${JSON.stringify(body)}`).toBe(false);
      expect(answer.error!.message).toMatch(message);
    }
    expect(((await invoke('settings:get', {})).value as { outputFolder: string | null }).outputFolder).toBeNull();
    expect(readFileSync(path.join(ROOT, 'out/renderer/favicon.png')).equals(favicon)).toBe(true);
  });

  it('refuses a second rule on a folder already watched, reached through a symlink', async () => {
    const watched = path.join(dir, 'camera');
    mkdirSync(watched);
    const alias = path.join(dir, 'camera-alias');
    symlinkSync(watched, alias);
    const rule = { inputFolder: watched, outputFolder: null, target: 'png', recursive: false, include: [], exclude: [], doneFolder: null };
    const added = await invoke('folders:add', rule);
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const twin = await invoke('folders:add', { ...rule, inputFolder: alias, target: 'webp' });
    expect(twin.ok).toBe(false);
    expect(twin.error!.message).toMatch(/already watched by another rule/);
  });
});
