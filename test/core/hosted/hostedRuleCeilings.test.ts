import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVault } from '../../../main/core/hosted/tokenVault';
import { hostedLane } from '../../../main/core/hosted/hostedPlan';
import { PLAN_CEILINGS } from '../../../main/core/scheduling/concurrency';
import { contractHandlers } from '../../../main/shell/contractHandlers';
import { createDesktopRuntime, type DesktopRuntime } from '../../../main/shell/desktopRuntime';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { ROOT } from '../../helpers/cli';
import { memoryKeychain } from '../../helpers/memoryKeychain';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { waitFor } from '../../helpers/watchCli';

const FILES = 4;

/** A hosted rule's jobs are jobs of the one table, routed by the one call: recorded hosted, run within the hosted ceilings, not the local slots. */
describe('a hosted batch-folder rule against the hosted test server', () => {
  let server: HostedTestServer;
  let dir: string;
  let runtime: DesktopRuntime;
  let handlers: ReturnType<typeof contractHandlers>;

  beforeAll(async () => {
    server = await startHostedTestServer();
    // Each job stays "processing" a while on the server, so that jobs allowed to run together do.
    server.setJobDelay(2_500);
    dir = tempDir('convertr-hosted-rule-');
    const home = path.join(dir, 'home');
    mkdirSync(home);
    // One local slot per kind: a hosted job held to the local limits would run one at a time.
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ concurrency: { video: 1, audio: 1, image: 1 } }));
    runtime = createDesktopRuntime(home, { jobUpdated: () => {}, batchFinished: () => {} }, {}, { vault: new TokenVault(memoryKeychain()) });
    handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
      version: 'test', ffmpeg: runtime.ffmpeg, hardware: runtime.hardware, reveal: () => {}, chooseFiles: async () => [], chooseFolder: async () => null, settingsChanged: () => {}, protectedFolders: { code: ROOT, renderer: ROOT, data: home },
    });
    await handlers['settings:set']({ apiUrl: server.url });
  });
  afterAll(async () => {
    await runtime.close();
    await server.close();
    removeDir(dir);
  });

  it(`${FILES} files: every stats row says hosted, and they run together on the hosted lane (within its ceiling), none in the local slots`, async () => {
    const inbox = path.join(dir, 'inbox');
    const staging = path.join(dir, 'staging');
    mkdirSync(inbox);
    mkdirSync(staging);
    for (let i = 0; i < FILES; i++) makeMedia(['-f', 'lavfi', '-i', `sine=frequency=${300 + 100 * i}:duration=1`, path.join(staging, `tone${i}.wav`)]);
    const running = new Map<number, string>();
    let peak = 0;
    const lanes = new Set<string>();
    const stopHosted = runtime.hostedScheduler.onUpdate((snapshot) => {
      if (snapshot.status === 'running') running.set(snapshot.id, snapshot.lane);
      else running.delete(snapshot.id);
      lanes.add(snapshot.lane);
      peak = Math.max(peak, running.size);
    });
    const local = new Set<number>();
    const stopLocal = runtime.scheduler.onUpdate((snapshot) => local.add(snapshot.id));
    const { id } = await handlers['folders:add']({ inputFolder: inbox, outputFolder: null, target: 'mp3', recursive: false, include: [], exclude: [], doneFolder: null, mode: 'hosted' });
    for (let i = 0; i < FILES; i++) renameSync(path.join(staging, `tone${i}.wav`), path.join(inbox, `tone${i}.wav`));
    const rule = async () => (await handlers['folders:list']({})).rules.find((r) => r.id === id)!;
    await waitFor(async () => (await rule()).converted + (await rule()).failed === FILES, `the rule to convert ${FILES} files`, 90_000, 200);
    stopHosted();
    stopLocal();
    expect((await rule()).failures).toEqual([]);
    expect(runtime.stores.db.prepare('SELECT mode, status, COUNT(*) AS n FROM conversions GROUP BY mode, status').all()).toEqual([{ mode: 'hosted', status: 'succeeded', n: FILES }]);
    expect(runtime.stores.db.prepare("SELECT COUNT(*) AS n FROM queue_jobs j JOIN queue_batches b USING (batch_key) WHERE b.origin = 'rule' AND j.state = 'succeeded'").get()).toEqual({ n: FILES });
    expect(local.size).toBe(0);
    expect([...lanes]).toEqual([hostedLane('audio')]);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(PLAN_CEILINGS.audio);
  }, 120_000);
});
