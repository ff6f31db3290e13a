import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobViewData } from '../../../main/core/app/desktopService';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { startSecretService, type SecretService } from '../../native/keychain/secretService';

function allFileText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

async function settled(runtime: DesktopRuntime, count: number): Promise<JobViewData[]> {
  for (;;) {
    const jobs = runtime.service.list().jobs;
    if (jobs.length >= count && jobs.every((j) => j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled')) return jobs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The window's path with a real OS keychain (gnome-keyring over a private D-Bus) and a real test server. */
describe('the window sends the client label from the keychain and helps with support', () => {
  let server: HostedTestServer;
  let keyring: SecretService;
  let dir: string;
  let wav: string;
  const label = 'Studio Nine Render';
  const savedBus = process.env['DBUS_SESSION_BUS_ADDRESS'];

  beforeAll(async () => {
    [server, keyring] = await Promise.all([startHostedTestServer(), startSecretService()]);
    process.env['DBUS_SESSION_BUS_ADDRESS'] = keyring.env['DBUS_SESSION_BUS_ADDRESS'];
    dir = tempDir('convertr-window-account-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
  });
  afterAll(async () => {
    if (savedBus === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS'];
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = savedBus;
    await Promise.all([server.close(), keyring.stop()]);
    removeDir(dir);
  });

  function open(): { runtime: DesktopRuntime; handlers: ReturnType<typeof contractHandlers>; copied: string[] } {
    const runtime = createDesktopRuntime(path.join(dir, 'home'), { jobUpdated: () => {}, batchFinished: () => {} });
    const copied: string[] = [];
    const handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
      version: 'test', ffmpeg: runtime.ffmpeg, hardware: runtime.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: path.join(dir, 'home') },
    });
    return { runtime, handlers, copied };
  }

  it('sends X-Convertr-Client-Label from the window, keeps the label in the keychain only, and again after a restart', async () => {
    const first = open();
    const settings = await first.handlers['settings:set']({ mode: 'hosted', apiUrl: server.url, clientLabel: label, outputFolder: path.join(dir, 'out1') });
    expect(settings).toMatchObject({ clientLabelSet: true, clientCohort: expect.stringMatching(/^cohort_[0-9a-f]{16}$/) });
    await first.handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    expect((await settled(first.runtime, 1))[0]).toMatchObject({ status: 'succeeded', mode: 'hosted' });
    expect(server.requests.filter((r) => r.path === '/api/convert').map((r) => r.label)).toEqual([label]);
    await first.runtime.close();

    // A new start reads the label back from the keychain: nothing on disk holds it.
    expect(allFileText(path.join(dir, 'home')).toLowerCase()).not.toContain(label.toLowerCase());
    const second = open();
    await second.runtime.prepare();
    await second.handlers['settings:set']({ outputFolder: path.join(dir, 'out2') });
    await second.handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    expect((await settled(second.runtime, 1))[0]).toMatchObject({ status: 'succeeded', mode: 'hosted' });
    expect(server.requests.filter((r) => r.path === '/api/convert').map((r) => r.label)).toEqual([label, label]);
    await second.runtime.close();
  });

  it('shows the cohort after registering, and copies support info for a failed hosted job without the token or the label', async () => {
    const { runtime, handlers } = open();
    const registered = await handlers['account:register']({ name: 'Ada', email: 'ada-window@example.test', password: 'correct horse battery' });
    expect(registered.cohort).toMatch(/^cohort_[0-9a-f]{16}$/);
    expect(await handlers['settings:get']({})).toMatchObject({ serviceCohort: registered.cohort });
    const token = server.tokens().at(-1)!;
    server.setFault('validation-422');
    await handlers['settings:set']({ outputFolder: path.join(dir, 'out3') });
    await handlers['queue:enqueue']({ paths: [wav], target: 'mp3' });
    const [job] = (await settled(runtime, 1)).filter((j) => j.status === 'failed');
    server.setFault('none');
    expect(job).toMatchObject({ mode: 'hosted', error: { code: 'HOSTED_REJECTED' } });
    expect(server.requests.filter((r) => r.path === '/api/convert').at(-1)!.authorization).toBe(`Bearer ${token}`);
    const { text } = await handlers['support:info']({ jobId: job!.id });
    expect(text).toContain(`Cohort: ${registered.cohort}`);
    expect(text).toContain('Pair: WAV -> MP3');
    expect(text).toContain('Error code: HOSTED_REJECTED');
    expect(text).toMatch(/Server message: .*output format is invalid/);
    expect(text).toMatch(/Time: \d{4}-\d\d-\d\dT/);
    expect(text).toMatch(/Request id: req-[0-9a-f]{12}/);
    expect(text).not.toContain(token.split('|')[1]);
    expect(text.toLowerCase()).not.toContain(label.toLowerCase());
    await runtime.close();
  });
});
