import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli, startCli } from '../helpers/cli';
import { corpus, ffprobe, listAll, makeMedia, removeDir, tempDir } from '../helpers/media';

/** Every file under a folder, recursively, as text (what a secret must never appear in). */
function allFileText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('convertr convert --mode hosted against the local test server', () => {
  let server: HostedTestServer;
  let dir: string;
  let home: string;
  let wav: string;
  let longWav: string;
  const env = () => ({ CONVERTR_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', CONVERTR_HOSTED_TIMEOUT_MS: '' });
  const hosted = (inputs: string[], out: string, extra: string[] = [], more: Record<string, string> = {}) =>
    runCli(['convert', ...inputs, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url, '--json', ...extra], { ...env(), ...more });

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-hosted-cli-');
    wav = path.join(dir, 'tone.wav');
    longWav = path.join(dir, 'long tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', wav]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=120', longWav]);
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });
  beforeEach(() => {
    home = tempDir('convertr-home-');
    server.setFault('none');
    server.setUploadLimit(1024 ** 3);
    server.requests.length = 0;
  });

  it('converts anonymously: streamed multipart, fields before the file, real MP3 back, mode and minutes recorded', async () => {
    const out = path.join(dir, 'anon');
    const run = await hosted([wav], out);
    expect(run.code).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded', mode: 'hosted', pair: 'WAV->MP3', billableMinutes: 1, error: null, output: path.join(out, 'tone.mp3') });
    expect(ffprobe(path.join(out, 'tone.mp3')).streams[0]!.codec_name).toBe('mp3');
    expect(listAll(out)).toEqual(['tone.mp3']);
    const request = server.requests.find((r) => r.path === '/api/convert')!;
    expect(request.authorization).toBeUndefined();
    expect(request.accept).toBe('application/json, */*;q=0.8');
    expect(request.fieldOrder).toEqual(['input_format', 'output_format', 'file']);
    expect(request.contentLength).toBeGreaterThan(statSync(wav).size);
    const stats = await runCli(['stats', '--json'], env());
    expect(JSON.parse(stats.stdout)).toMatchObject({ billableMinutes: 1 });
  });

  it('sends the label as a header but keeps only its hash on disk and out of the output', async () => {
    const label = 'Acme Render Farm 7';
    const run = await hosted([wav], path.join(dir, 'label'), ['--label', `  ${label} `]);
    expect(run.code).toBe(0);
    expect(server.requests.find((r) => r.path === '/api/convert')!.label).toBe(label);
    expect(allFileText(home)).not.toContain(label);
    expect(allFileText(home).toLowerCase()).not.toContain(label.toLowerCase());
    expect(run.stdout + run.stderr).not.toContain(label);
    const stats = JSON.parse((await runCli(['stats', '--json'], env())).stdout) as { cohorts: number };
    expect(stats.cohorts).toBe(1);
  });

  it('accepts a JSON answer with a download link and a 202 job polled until done', async () => {
    server.setFault('json-url');
    const a = await hosted([wav], path.join(dir, 'json-url'));
    expect(jsonLines(a.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted', billableMinutes: 1 });
    server.setFault('job-202');
    const b = await hosted([wav], path.join(dir, 'job'));
    expect(jsonLines(b.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted', billableMinutes: 2 });
    expect(server.requests.filter((r) => r.path.startsWith('/api/convert/')).length).toBe(2);
    expect(ffprobe(path.join(dir, 'job', 'tone.mp3')).streams[0]!.codec_name).toBe('mp3');
  });

  it.each([
    ['json-413', 'HOSTED_TOO_LARGE', /too large/],
    ['html-413', 'HOSTED_TOO_LARGE', /too large/],
    ['reset-mid-upload', 'HOSTED_TOO_LARGE', /closed the connection during the upload/],
    ['validation-422', 'HOSTED_REJECTED', /output_format|output format is invalid/],
    ['error-500', 'HOSTED_UNAVAILABLE', /HTTP 500/],
  ] as const)('%s fails the job with %s, exit 1, no retry of the upload, nothing left behind', async (fault, code, message) => {
    if (fault === 'json-413') server.setUploadLimit(1000);
    else server.setFault(fault);
    const out = path.join(dir, `fail-${fault}`);
    const run = await hosted([longWav], out);
    expect(run.code).toBe(1);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'failed', mode: 'hosted', billableMinutes: 0, output: null, error: { code } });
    expect((line!['error'] as { message: string }).message).toMatch(message);
    expect(server.requests.filter((r) => r.path === '/api/convert')).toHaveLength(1);
    expect(listAll(out)).toEqual([]);
  });

  it('refuses a file over the 1 GB upload limit before sending a byte', async () => {
    const huge = path.join(dir, 'huge.wav');
    copyFileSync(wav, huge);
    truncateSync(huge, 1024 ** 3 + 1);
    const run = await hosted([huge], path.join(dir, 'limit'));
    rmSync(huge);
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'failed', mode: 'hosted', error: { code: 'HOSTED_TOO_LARGE' } });
    expect(server.requests).toHaveLength(0);
  });

  it('runs hosted jobs concurrently and waits out a 429 when the plan allows fewer at once', async () => {
    server.setPlan({ audio: 1 });
    const copies = [1, 2, 3].map((i) => path.join(dir, `parallel-${i}.wav`));
    // Short files: the test is about 429s while in flight, not about outlasting five retries on a loaded machine.
    for (const copy of copies) copyFileSync(wav, copy);
    const run = await hosted(copies, path.join(dir, 'parallel'));
    server.setPlan({ audio: 40 });
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout).map((l) => l['status'])).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(server.inFlightPeak()).toBe(1);
    expect(server.requests.filter((r) => r.path === '/api/convert').length).toBeGreaterThan(3);
  });

  it('waits out a 429 (Retry-After) and a 503, then succeeds with one repeat each', async () => {
    server.setFault('unavailable-503-once');
    const a = await hosted([wav], path.join(dir, 'retry-503'));
    expect(jsonLines(a.stdout)[0]).toMatchObject({ status: 'succeeded' });
    expect(server.requests.filter((r) => r.path === '/api/convert')).toHaveLength(2);
    server.requests.length = 0;
    server.setFault('rate-limit-once');
    const started = Date.now();
    const b = await hosted([wav], path.join(dir, 'retry-429'));
    expect(jsonLines(b.stdout)[0]).toMatchObject({ status: 'succeeded' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.requests.filter((r) => r.path === '/api/convert')).toHaveLength(2);
  });

  it('a server that stops answering fails the job with HOSTED_TIMEOUT instead of hanging', async () => {
    server.setFault('stall');
    const run = await hosted([wav], path.join(dir, 'stall'), [], { CONVERTR_HOSTED_TIMEOUT_MS: '1500' });
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'HOSTED_TIMEOUT' } });
    expect(listAll(path.join(dir, 'stall'))).toEqual([]);
  });

  it('Ctrl-C mid-upload cancels the job and leaves nothing behind', async () => {
    server.setFault('slow-upload');
    const out = path.join(dir, 'cancel');
    const { child, done } = startCli(['convert', longWav, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    for (let i = 0; i < 100 && !server.requests.some((r) => r.path === '/api/convert'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(listAll(out)).toEqual([]);
  });

  it('auto goes hosted when ffmpeg is missing (FFMPEG_PATH points at no file) and the API answers', async () => {
    const noFfmpeg = { FFMPEG_PATH: path.join(dir, 'no-ffmpeg'), FFPROBE_PATH: path.join(dir, 'no-ffprobe') };
    const a = await runCli(['convert', corpus('image/portrait_6.jpg'), '--to', 'png', '--out', path.join(dir, 'auto-hosted'), '--mode', 'auto', '--api-url', server.url, '--json'], { ...env(), ...noFfmpeg });
    expect(a.code).toBe(0);
    expect(jsonLines(a.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted', pair: 'JPG->PNG', billableMinutes: 0 });
  });

  it('auto stays local when the API is unreachable: without ffmpeg too, only unreachability keeps the job here, and it fails with TOOL_MISSING', async () => {
    // Updated: this used to run where ffmpeg exists, so a router ignoring reachability passed it too.
    const noFfmpeg = { FFMPEG_PATH: path.join(dir, 'no-ffmpeg'), FFPROBE_PATH: path.join(dir, 'no-ffprobe') };
    const b = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'auto-local'), '--mode', 'auto', '--api-url', 'http://127.0.0.1:9', '--json'], { ...env(), ...noFfmpeg });
    expect(b.code).toBe(1);
    const [line] = jsonLines(b.stdout);
    expect(line).toMatchObject({ status: 'failed', mode: 'local', error: { code: 'TOOL_MISSING' } });
    expect((line!['error'] as { message: string }).message).toMatch(/did not answer/);
    expect(b.stderr).toMatch(/cannot be reached either/);
    expect(existsSync(path.join(dir, 'auto-local')) ? listAll(path.join(dir, 'auto-local')) : []).toEqual([]);
  });

  it('a bad --api-url is a usage error (exit 2)', async () => {
    const run = await runCli(['convert', wav, '--to', 'mp3', '--mode', 'hosted', '--api-url', 'ftp://example'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/https:\/\//);
  });
});
