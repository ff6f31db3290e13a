import path from 'node:path';
import { ROOT } from '../../helpers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobViewData } from '../../../main/core/app/desktopService';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { memoryKeychain } from '../../helpers/memoryKeychain';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ffprobe, listAll, makeMedia, removeDir, tempDir } from '../../helpers/media';

async function settled(runtime: DesktopRuntime, count: number): Promise<JobViewData[]> {
  for (;;) {
    const jobs = runtime.service.list().jobs;
    if (jobs.length >= count && jobs.every((j) => j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled')) return jobs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Quitting the app while the server holds an accepted (202) job: the next start resumes it hosted and polls it. */
describe('a hosted window batch across a quit', () => {
  let server: HostedTestServer;
  let dir: string;
  let wav: string;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-window-resume-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=2', wav]);
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('resumes hosted with the routing it started with (the settings changed meanwhile) and uploads nothing again', async () => {
    const keychain = memoryKeychain();
    const open = () => {
      const runtime = createDesktopRuntime(path.join(dir, 'home'), { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(keychain) });
      const handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
        version: 'test', ffmpeg: runtime.ffmpeg, hardware: runtime.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home') },
      });
      return { runtime, handlers };
    };
    server.setFault('job-202-slow');
    server.setJobDelay(4_000);
    const out = path.join(dir, 'out');
    const first = open();
    await first.handlers['settings:set']({ mode: 'hosted', apiUrl: server.url, outputFolder: out });
    await first.handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    const uploads = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    for (let i = 0; i < 200 && uploads() < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    // Quitting with the job running keeps it for the next start.
    await first.runtime.close();
    expect(uploads()).toBe(1);

    const second = open();
    // The settings now say local: the interrupted batch still resumes hosted, as it started.
    await second.handlers['settings:set']({ mode: 'local' });
    await second.runtime.prepare();
    expect(second.runtime.service.restore()).toBe(1);
    const [job] = await settled(second.runtime, 1);
    expect(job).toMatchObject({ status: 'succeeded', mode: 'hosted' });
    expect(uploads()).toBe(1);
    expect(listAll(out)).toEqual(['tone.mp3']);
    expect(ffprobe(path.join(out, 'tone.mp3')).streams[0]!.codec_name).toBe('mp3');
    await second.runtime.close();
  }, 60_000);
});
