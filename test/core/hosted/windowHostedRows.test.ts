import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobViewData } from '../../../main/core/app/desktopService';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ROOT } from '../../helpers/cli';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';
import { memoryKeychain } from '../../helpers/memoryKeychain';

async function settledRow(runtime: DesktopRuntime, id: number): Promise<JobViewData> {
  for (;;) {
    const job = runtime.service.list().jobs.find((j) => j.id === id);
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Window rows of hosted and hybrid jobs: their route with its costs, and "Convert on this computer" for a failed one. */
describe('hosted rows in the window', () => {
  let server: HostedTestServer;
  let dir: string;
  let runtime: DesktopRuntime;
  let hybridRuntime: DesktopRuntime | undefined;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-window-here-');
  });
  afterAll(async () => {
    await hybridRuntime?.close();
    await runtime?.close();
    await server.close();
    removeDir(dir);
  });

  it('the retry runs locally although the settings say hosted, and uploads nothing', async () => {
    const wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', wav]);
    runtime = createDesktopRuntime(path.join(dir, 'home'), { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    const handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
      version: 'test', ffmpeg: runtime.ffmpeg, hardware: runtime.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home') },
    });
    await handlers['settings:set']({ mode: 'hosted', apiUrl: server.url, outputFolder: path.join(dir, 'out') });
    server.setFault('validation-422');
    await handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    const failed = await settledRow(runtime, runtime.service.list().jobs[0]!.id);
    expect(failed).toMatchObject({ status: 'failed', mode: 'hosted' });
    const uploads = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    const before = uploads();

    const { jobId } = await handlers['queue:retry']({ jobId: failed.id, mode: 'local' });
    const done = await settledRow(runtime, jobId);
    expect(done).toMatchObject({ status: 'succeeded', mode: 'local', error: null });
    expect(ffprobe(done.output!).streams[0]!.codec_name).toBe('mp3');
    expect(uploads()).toBe(before);
  }, 60_000);

  it('a first hybrid drop: rows and their updates carry the route, its reason, and predicted and actual cost', async () => {
    server.setFault('none');
    const seed = path.join(dir, 'seed.avi');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=6', '-c:v', 'mpeg4', '-q:v', '5', seed]);
    const clips = [0, 1, 2, 3, 4, 5].map((i) => path.join(dir, `clip${i}.avi`));
    for (const clip of clips) copyFileSync(seed, clip);
    const updates: { input: string; route?: unknown }[] = [];
    hybridRuntime = createDesktopRuntime(path.join(dir, 'home-hybrid'), { jobUpdated: (view) => updates.push(view), batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    const live = hybridRuntime;
    const handlers = contractHandlers(live.service, live.settings, live.watch, live, {
      version: 'test', ffmpeg: live.ffmpeg, hardware: live.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home-hybrid') },
    });
    await handlers['settings:set']({ mode: 'hybrid', hybridBudgetUsd: 1, apiUrl: server.url, outputFolder: path.join(dir, 'out-hybrid') });
    const { jobIds } = await handlers['queue:enqueue']({ paths: clips, target: 'mp4' });
    for (const id of jobIds) await settledRow(live, id);
    const rows = (await handlers['queue:get']({})).jobs;
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    const hosted = rows.filter((r) => r.mode === 'hosted');
    expect(hosted.length).toBeGreaterThan(0);
    for (const row of hosted) expect(row.route).toEqual({ reason: 'hosted-sooner', localTiming: 'estimated', predictedCostUsd: 0.002, reservedUsd: 0.002, costUsd: 0.002 });
    for (const row of rows.filter((r) => r.mode === 'local')) expect(row.route).toMatchObject({ reason: 'local-sooner', localTiming: 'estimated', costUsd: 0 });
    // The job:update payload the window gets carries the same.
    const lastUpdate = updates.filter((u) => u.input === hosted[0]!.input).at(-1);
    expect(lastUpdate?.route).toMatchObject({ reason: 'hosted-sooner', costUsd: 0.002 });
  }, 300_000);
});
