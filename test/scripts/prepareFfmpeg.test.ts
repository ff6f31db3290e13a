import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTarget, pinnedReleaseTag, prepareFfmpegBuild } from '../../scripts/prepareFfmpeg';
import { runCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

// A release server on loopback that serves real binaries the way the ffmpeg-static releases are laid out.
const OLD_FFPROBE = createRequire(import.meta.url).resolve('ffprobe-static/bin/linux/x64/ffprobe');
const releases: Record<string, Buffer> = {};
let server: Server;
let baseUrl: string;
const work = tempDir('convertr-vendor-');

beforeAll(async () => {
  const ffmpeg = gzipSync(readFileSync('/usr/bin/ffmpeg'));
  releases['/b-same/ffmpeg-linux-x64.gz'] = ffmpeg;
  releases['/b-same/ffprobe-linux-x64.gz'] = gzipSync(readFileSync('/usr/bin/ffprobe'));
  releases['/b-mixed/ffmpeg-linux-x64.gz'] = ffmpeg;
  releases['/b-mixed/ffprobe-linux-x64.gz'] = gzipSync(readFileSync(OLD_FFPROBE));
  server = createServer((request, response) => {
    const body = releases[request.url ?? ''];
    response.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  removeDir(work);
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('npm run dist prepares ffmpeg and ffprobe of one build', () => {
  it('takes both from the release tag ffmpeg-static pins, checks they run, and records the build', async () => {
    const build = await prepareFfmpegBuild({ target: hostTarget(), releaseTag: 'b-same', binariesUrl: baseUrl, vendorDir: work });
    expect(build.ffmpegVersion).toBeTruthy();
    expect(build.ffprobeVersion).toBe(build.ffmpegVersion);
    const folder = path.join(work, 'linux-x64');
    expect(JSON.parse(readFileSync(path.join(folder, 'build.json'), 'utf8'))).toMatchObject({ releaseTag: 'b-same', ffmpegVersion: build.ffmpegVersion });
    expect(readFileSync(path.join(folder, 'ffprobe')).equals(readFileSync('/usr/bin/ffprobe'))).toBe(true);
    expect(pinnedReleaseTag()).toMatch(/^b\d/);
  });

  it('refuses a pair of two builds and keeps the good folder it had', async () => {
    await expect(prepareFfmpegBuild({ target: hostTarget(), releaseTag: 'b-mixed', binariesUrl: baseUrl, vendorDir: work })).rejects.toThrow(/ffmpeg \S+ and ffprobe 4\.0\.2-static .* are not one build/);
    expect(JSON.parse(readFileSync(path.join(work, 'linux-x64', 'build.json'), 'utf8'))).toMatchObject({ releaseTag: 'b-same' });
    expect(existsSync(path.join(work, 'linux-x64.partial'))).toBe(false);
  });

  it('fails clearly when the release has no binary for a target', async () => {
    await expect(prepareFfmpegBuild({ target: 'mac-arm64', releaseTag: 'b-none', binariesUrl: baseUrl, vendorDir: work })).rejects.toThrow(/ffmpeg-darwin-arm64\.gz: HTTP 404/);
    await expect(prepareFfmpegBuild({ target: 'plan9-x64', releaseTag: 'b-none', binariesUrl: baseUrl, vendorDir: work })).rejects.toThrow(/unknown target plan9-x64/);
  });
});

describe('convertr doctor and the ffmpeg pair', () => {
  it('warns when ffmpeg and ffprobe are different builds, and still passes', async () => {
    const run = await runCli(['doctor', '--json'], { FFMPEG_PATH: '/usr/bin/ffmpeg', FFPROBE_PATH: OLD_FFPROBE });
    const report = JSON.parse(run.stdout) as Record<string, { ok: boolean; warning?: boolean; detail: string }>;
    expect(report['ffprobe']!.detail).toContain('4.0.2-static');
    expect(report['ffmpeg pair']).toMatchObject({ ok: true, warning: true, detail: expect.stringMatching(/ffprobe 4\.0\.2-static are different builds/) });
    expect(run.code).toBe(0);
  });

  it('says nothing about the pair when both come from one build', async () => {
    const run = await runCli(['doctor', '--json'], { FFMPEG_PATH: '/usr/bin/ffmpeg', FFPROBE_PATH: '/usr/bin/ffprobe' });
    expect(Object.keys(JSON.parse(run.stdout) as object)).not.toContain('ffmpeg pair');
  });
});
