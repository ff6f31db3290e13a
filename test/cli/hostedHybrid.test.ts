import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli } from '../helpers/cli';
import { durationOf, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../helpers/media';

const uploads = (server: HostedTestServer) => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;

/** Hybrid routing through the CLI against the real test server: local first, hosted when sooner, never past the budget. */
describe('convertr convert --mode hybrid', () => {
  let server: HostedTestServer;
  let dir: string;
  let home: string;
  const inputs: string[] = [];
  const env = () => ({ CONVERTR_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-hybrid-');
    home = path.join(dir, 'home');
    mkdirSync(path.join(dir, 'in'));
    // 4:4:4 H.264 in MKV: MP4 out needs a real re-encode (yuv420p), not a remux.
    const seed = path.join(dir, 'seed.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=5', '-f', 'lavfi', '-i', 'sine=duration=5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-c:a', 'pcm_s16le', '-shortest', seed]);
    for (let i = 0; i < 8; i++) {
      const file = path.join(dir, 'in', `clip${i}.mkv`);
      copyFileSync(seed, file);
      inputs.push(file);
    }
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  function checkOutputs(out: string): void {
    expect(readdirSync(out).sort()).toEqual(inputs.map((f) => `${path.basename(f, '.mkv')}.mp4`).sort());
    for (const file of readdirSync(out)) {
      const probed = ffprobe(path.join(out, file));
      expect(videoOf(probed)).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' });
      expect(durationOf(probed)).toBeGreaterThan(4.5);
    }
  }

  it('a batch of 8 video re-encodes with a $0.006 budget: some jobs hosted, at most 3, every output checked (local-only run first, same machine)', async () => {
    const localStarted = Date.now();
    const local = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-local'), '--json'], env());
    const localMs = Date.now() - localStarted;
    expect(local.code, local.stderr).toBe(0);
    expect(jsonLines(local.stdout).every((l) => l['mode'] === 'local' && l['route'] === undefined)).toBe(true);
    checkOutputs(path.join(dir, 'out-local'));

    const hybridStarted = Date.now();
    const hybrid = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-hybrid'), '--mode', 'hybrid', '--budget', '0.006', '--api-url', server.url, '--json'], env());
    const hybridMs = Date.now() - hybridStarted;
    expect(hybrid.code, hybrid.stderr).toBe(0);
    const lines = jsonLines(hybrid.stdout);
    expect(lines).toHaveLength(8);
    const hosted = lines.filter((l) => l['mode'] === 'hosted');
    expect(hosted.length).toBeGreaterThan(0);
    expect(hosted.length).toBeLessThanOrEqual(3);
    expect(uploads(server)).toBe(hosted.length);
    expect(hosted.every((l) => l['route'] === 'hosted-sooner')).toBe(true);
    expect(lines.filter((l) => l['mode'] === 'local').every((l) => typeof l['route'] === 'string' && ['local-sooner', 'over-budget'].includes(l['route'] as string))).toBe(true);
    expect(lines.every((l) => l['status'] === 'succeeded')).toBe(true);
    checkOutputs(path.join(dir, 'out-hybrid'));
    expect(hybrid.stderr).toMatch(/Hybrid: \d of 8 job\(s\) to the hosted API, predicted cost \$0\.00\d/);
    expect(hybrid.stderr).toMatch(/Hosted cost: \$0\.00\d actual for this batch; this month \$0\.00\d of the \$0\.006 budget/);

    const stats = JSON.parse((await runCli(['stats', '--json'], env())).stdout) as { hostedSpend: { spentUsd: number; reservedUsd: number }; pairs: { pair: string; byMode: { mode: string }[] }[] };
    expect(stats.hostedSpend.spentUsd).toBeLessThanOrEqual(0.006 + 1e-9);
    expect(stats.hostedSpend.spentUsd).toBeGreaterThan(0);
    expect(stats.hostedSpend.reservedUsd).toBe(0);
    expect(stats.pairs.find((p) => p.pair === 'MKV->MP4')!.byMode.map((m) => m.mode)).toEqual(['local', 'hosted']);
    console.log(`8 video re-encodes on this machine: local-only ${(localMs / 1000).toFixed(1)} s, hybrid ${(hybridMs / 1000).toFixed(1)} s (${hosted.length} hosted)`);

    // The month's budget is spent: the same batch again sends nothing.
    const before = uploads(server);
    const again = await runCli(['convert', path.join(dir, 'in'), '--to', 'mp4', '--out', path.join(dir, 'out-again'), '--mode', 'hybrid', '--budget', '0.006', '--api-url', server.url, '--json'], env());
    expect(again.code).toBe(0);
    expect(uploads(server)).toBe(before);
    expect(jsonLines(again.stdout).some((l) => l['route'] === 'over-budget')).toBe(true);
  }, 600_000);

  it('--private: zero uploads, zero requests, whatever the budget', async () => {
    server.requests.length = 0;
    const run = await runCli(['convert', ...inputs.slice(0, 3), '--to', 'mp4', '--out', path.join(dir, 'out-private'), '--mode', 'hybrid', '--budget', '100', '--private', '--api-url', server.url, '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => [l['mode'], l['route']])).toEqual([['local', 'private'], ['local', 'private'], ['local', 'private']]);
    expect(server.requests).toHaveLength(0);
    const auto = await runCli(['convert', inputs[0]!, '--to', 'mp4', '--out', path.join(dir, 'out-private-auto'), '--mode', 'auto', '--private', '--api-url', server.url, '--json'], { ...env(), FFMPEG_PATH: path.join(dir, 'none'), FFPROBE_PATH: path.join(dir, 'none') });
    expect(jsonLines(auto.stdout)[0]).toMatchObject({ status: 'failed', mode: 'local', error: { code: 'TOOL_MISSING' } });
    expect(server.requests).toHaveLength(0);
  }, 300_000);

  it('--private with no ffmpeg: the error says no API was asked because the job is private, not that it did not answer', async () => {
    server.requests.length = 0;
    const noTools = { ...env(), FFMPEG_PATH: path.join(dir, 'none'), FFPROBE_PATH: path.join(dir, 'none') };
    for (const mode of ['auto', 'hybrid']) {
      const run = await runCli(['convert', inputs[0]!, '--to', 'mp4', '--out', path.join(dir, `out-private-${mode}`), '--mode', mode, ...(mode === 'hybrid' ? ['--budget', '1'] : []), '--private', '--api-url', server.url, '--json'], noTools);
      const line = jsonLines(run.stdout)[0]!;
      expect(line).toMatchObject({ status: 'failed', mode: 'local', error: { code: 'TOOL_MISSING' } });
      const message = (line['error'] as { message: string }).message;
      expect(message, mode).toMatch(/private \(--private\), so no hosted API was asked/);
      expect(message).not.toMatch(/did not answer/);
    }
    expect(server.requests).toHaveLength(0);
  }, 120_000);

  it('usage errors: --budget without hybrid, a budget that is not an amount, --private with --mode hosted', async () => {
    for (const args of [['--budget', '1'], ['--mode', 'hybrid', '--budget', 'lots'], ['--mode', 'hosted', '--private']]) {
      const run = await runCli(['convert', inputs[0]!, '--to', 'mp4', ...args], env());
      expect(run.code, args.join(' ')).toBe(2);
    }
  });
});
