import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const uploads = (server: HostedTestServer) => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
const routes = (lines: Record<string, unknown>[]) => lines.map((l) => `${path.basename(String(l['input']))}:${String(l['mode'])}/${String(l['route'])}`).sort().join(' ');

/** A fresh install's first hybrid batch of 8 long-ish videos (8 s, 720p, MPEG-4 part 2 in AVI) against the test server. */
describe('hybrid on a first run, and a service that bills more than predicted', () => {
  let server: HostedTestServer;
  let dir: string;
  const env = (home: string) => ({ CONVERTR_HOME: path.join(dir, home), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-hybrid-first-');
    mkdirSync(path.join(dir, 'in'));
    const seed = path.join(dir, 'seed.avi');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=8', '-f', 'lavfi', '-i', 'sine=duration=8', '-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'mp3', '-shortest', seed]);
    for (let i = 0; i < 8; i++) copyFileSync(seed, path.join(dir, 'in', `clip${i}.avi`));
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('the first batch sends some jobs hosted, from an estimate of this machine (no timing yet); each line carries route, reason and costs', async () => {
    const localStarted = Date.now();
    const local = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-local'), '--json'], env('home-local'));
    const localMs = Date.now() - localStarted;
    expect(local.code, local.stderr).toBe(0);

    const started = Date.now();
    const run = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-hybrid'), '--mode', 'hybrid', '--budget', '1', '--api-url', server.url, '--json'], env('home-hybrid'));
    const hybridMs = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(8);
    expect(lines.every((l) => l['status'] === 'succeeded')).toBe(true);
    expect(readdirSync(path.join(dir, 'out-hybrid'))).toHaveLength(8);
    const hosted = lines.filter((l) => l['mode'] === 'hosted');
    expect(hosted.length).toBeGreaterThan(0);
    expect(hosted.length).toBeLessThan(8);
    expect(uploads(server)).toBe(hosted.length);
    // Jobs are routed as slots take them: the first from the probe's estimate, later ones from jobs finished meanwhile.
    expect(lines.every((l) => l['route'] !== 'no-local-timing' && (l['localTiming'] === 'estimated' || l['localTiming'] === 'measured'))).toBe(true);
    expect(lines.some((l) => l['localTiming'] === 'estimated')).toBe(true);
    for (const line of hosted) expect(line).toMatchObject({ route: 'hosted-sooner', predictedCostUsd: 0.002, reservedUsd: 0.002, costUsd: 0.002 });
    for (const line of lines.filter((l) => l['mode'] === 'local')) expect(line).toMatchObject({ route: 'local-sooner', costUsd: 0 });
    console.log(`first run, 8 x 8 s 720p MPEG-4 AVI -> MP4: local-only ${(localMs / 1000).toFixed(1)} s, hybrid ${(hybridMs / 1000).toFixed(1)} s; routes: ${routes(lines)}`);
  }, 600_000);

  it('the month never passes the budget when the service bills two minutes where one was predicted', async () => {
    server.setBillMinutes(2);
    const home = 'home-budget';
    // Timed first, as on the second day of use: hybrid then has every reason to send most of the batch hosted.
    expect((await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-timing'), '--json'], env(home))).code).toBe(0);
    const before = uploads(server);
    const run = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-budget'), '--mode', 'hybrid', '--budget', '0.01', '--api-url', server.url, '--json'], env(home));
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.every((l) => l['status'] === 'succeeded')).toBe(true);
    const hosted = lines.filter((l) => l['mode'] === 'hosted');
    expect(hosted.length).toBeGreaterThan(0);
    expect(uploads(server) - before).toBe(hosted.length);
    const stats = JSON.parse((await runCli(['stats', '--json'], env(home))).stdout) as { hostedSpend: { spentUsd: number; reservedUsd: number } };
    expect(stats.hostedSpend.spentUsd).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(stats.hostedSpend.spentUsd).toBeCloseTo(hosted.length * 0.004, 9);
    for (const line of hosted) expect(line['costUsd']).toBe(0.004);
    expect(stats.hostedSpend.reservedUsd).toBe(0);
    expect(run.stderr).toMatch(/this month \$0\.00\d of the \$0\.010 budget/);
    console.log(`billed 2 minutes a job, budget $0.010: ${hosted.length} hosted, spent $${stats.hostedSpend.spentUsd.toFixed(3)}; routes: ${routes(lines)}`);
    server.setBillMinutes(undefined);
  }, 600_000);
});
