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

/** The window's way out of a failed hosted row: "Convert on this computer" retries it here, with nothing uploaded. */
describe('a failed hosted row converts on this computer', () => {
  let server: HostedTestServer;
  let dir: string;
  let runtime: DesktopRuntime;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-window-here-');
  });
  afterAll(async () => {
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
});
