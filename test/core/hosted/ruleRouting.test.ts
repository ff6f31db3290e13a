import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { memoryKeychain } from '../../helpers/memoryKeychain';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

/** Batch-folder rules go through the same router: a hosted rule uploads, "never upload" keeps every byte here. */
describe('batch-folder rules honour their routing', () => {
  let server: HostedTestServer;
  let dir: string;
  let wav: string;
  let runtime: DesktopRuntime;
  let handlers: ReturnType<typeof contractHandlers>;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-rule-routing-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
    runtime = createDesktopRuntime(path.join(dir, 'home'), { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
      version: 'test', ffmpeg: runtime.ffmpeg, hardware: runtime.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home') },
    });
    await handlers['settings:set']({ apiUrl: server.url });
  });
  afterAll(async () => {
    await runtime.close();
    await server.close();
    removeDir(dir);
  });

  async function converted(id: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const rule = (await handlers['folders:list']({})).rules.find((r) => r.id === id)!;
      if (rule.converted + rule.failed > 0) return expect(rule.failures).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the rule converted nothing');
  }

  it.each([
    ['hosted', false, 1, 0],
    ['hosted', true, 0, 1],
  ] as const)('mode %s, never upload %s: %i upload(s), %i job(s) in the local slots (a hosted job counts against the hosted ceilings), a checked MP3 either way', async (mode, neverUpload, expected, localJobs) => {
    const inbox = path.join(dir, `in-${mode}-${neverUpload}`);
    mkdirSync(inbox);
    const before = server.requests.filter((r) => r.path === '/api/convert').length;
    const local = new Set<number>();
    const stopListening = runtime.scheduler.onUpdate((snapshot) => local.add(snapshot.id));
    const { id } = await handlers['folders:add']({ inputFolder: inbox, outputFolder: null, target: 'mp3', recursive: false, include: [], exclude: [], doneFolder: null, mode, neverUpload });
    expect((await handlers['folders:list']({})).rules.find((r) => r.id === id)).toMatchObject({ mode, neverUpload });
    copyFileSync(wav, path.join(inbox, 'tone.wav'));
    await converted(id);
    expect(server.requests.filter((r) => r.path === '/api/convert').length - before).toBe(expected);
    stopListening();
    expect(local.size).toBe(localJobs);
    expect(ffprobe(path.join(inbox, 'converted', readdirSync(path.join(inbox, 'converted'))[0]!)).streams[0]!.codec_name).toBe('mp3');
    await handlers['folders:remove']({ id });
  }, 60_000);

  it('a hosted rule set to wait while the API is unreachable leaves its file alone: nothing converted, failed or uploaded', async () => {
    await handlers['settings:set']({ apiUrl: 'http://127.0.0.1:9' });
    try {
      const inbox = path.join(dir, 'in-offline-wait');
      mkdirSync(inbox);
      const before = server.requests.length;
      const { id } = await handlers['folders:add']({ inputFolder: inbox, outputFolder: null, target: 'mp3', recursive: false, include: [], exclude: [], doneFolder: null, mode: 'hosted', whenOffline: 'wait' });
      expect((await handlers['folders:list']({})).rules.find((r) => r.id === id)).toMatchObject({ mode: 'hosted', whenOffline: 'wait' });
      copyFileSync(wav, path.join(inbox, 'tone.wav'));
      await new Promise((r) => setTimeout(r, 4000));
      expect((await handlers['folders:list']({})).rules.find((r) => r.id === id)).toMatchObject({ converted: 0, failed: 0, inProgress: 0, failures: [] });
      expect(readdirSync(inbox)).toEqual(['tone.wav']);
      expect(server.requests.length).toBe(before);
      await handlers['folders:remove']({ id });
    } finally {
      await handlers['settings:set']({ apiUrl: server.url });
    }
  }, 60_000);
});
