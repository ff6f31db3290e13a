import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/cli';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobViewData } from '../../../main/core/app/desktopService';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { memoryKeychain } from '../../helpers/memoryKeychain';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { createNativeEngine, type NativeEngine } from '../../../native/createNativeEngine';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

async function settled(runtime: DesktopRuntime, count: number): Promise<JobViewData[]> {
  for (;;) {
    const jobs = runtime.service.list().jobs;
    if (jobs.length >= count && jobs.every((j) => j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled')) return jobs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The window's path (the desktop runtime and the contract handlers the Electron shell and the web host
 * share) on a machine without ffmpeg: FFMPEG_PATH and FFPROBE_PATH point at files that do not exist.
 */
describe('auto routing in the window on a machine without ffmpeg', () => {
  let server: HostedTestServer;
  let serverEngine: NativeEngine;
  let dir: string;
  let wav: string;
  let runtime: DesktopRuntime | undefined;
  const saved = { ffmpeg: process.env['FFMPEG_PATH'], ffprobe: process.env['FFPROBE_PATH'] };

  beforeAll(async () => {
    serverEngine = createNativeEngine({ heicWorkers: 1 });
    server = await startHostedTestServer({ engine: serverEngine });
    dir = tempDir('convertr-window-auto-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', wav]);
  });
  afterAll(async () => {
    await server.close();
    await serverEngine.close();
    removeDir(dir);
  });
  beforeEach(() => {
    process.env['FFMPEG_PATH'] = path.join(dir, 'no-ffmpeg');
    process.env['FFPROBE_PATH'] = path.join(dir, 'no-ffprobe');
    server.requests.length = 0;
  });
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    for (const [key, value] of [['FFMPEG_PATH', saved.ffmpeg], ['FFPROBE_PATH', saved.ffprobe]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  function open(home: string): { runtime: DesktopRuntime; handlers: ReturnType<typeof contractHandlers> } {
    const created = createDesktopRuntime(path.join(dir, home), { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    runtime = created;
    const handlers = contractHandlers(created.service, created.settings, created.watch, created, {
      version: 'test', ffmpeg: created.ffmpeg, hardware: created.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home') },
    });
    return { runtime: created, handlers };
  }

  it('auto goes hosted when ffmpeg is missing and the API answers', async () => {
    const { runtime, handlers } = open('home-hosted');
    expect(runtime.engine).toBeInstanceOf(Error);
    expect(runtime.ffmpeg).toMatch(/^missing/);
    await handlers['settings:set']({ mode: 'auto', apiUrl: server.url });
    const out = path.join(dir, 'out-hosted');
    await handlers['settings:set']({ outputFolder: out });
    await handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    const [job] = await settled(runtime, 1);
    expect(job).toMatchObject({ status: 'succeeded', mode: 'hosted', pair: 'WAV->MP3', error: null });
    expect(ffprobe(job!.output!).streams[0]!.codec_name).toBe('mp3');
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert')).toHaveLength(1);
  });

  it('auto stays local when the API is unreachable: with no ffmpeg either, the job fails clearly with TOOL_MISSING and nothing is uploaded', async () => {
    const { runtime, handlers } = open('home-offline');
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    await handlers['settings:set']({ mode: 'auto', apiUrl: 'http://127.0.0.1:9', outputFolder: path.join(dir, 'out-offline') });
    await handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    const [job] = await settled(runtime, 1);
    expect(job).toMatchObject({ status: 'failed', mode: 'local', error: { code: 'TOOL_MISSING' } });
    expect(job!.error!.message).toMatch(/did not answer/);
    expect(readdirSync(dir).includes('out-offline') ? readdirSync(path.join(dir, 'out-offline')) : []).toEqual([]);
    expect(server.requests).toHaveLength(0);
    const settings = JSON.parse(readFileSync(path.join(dir, 'home-offline', 'settings.json'), 'utf8')) as { mode: string };
    expect(settings.mode).toBe('auto');
  });
});
