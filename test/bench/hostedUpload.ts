import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, openSync, readFileSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHostedTestServer } from '../hosted-server/hostedTestServer.js';
import { makeMedia, removeDir, tempDir } from '../helpers/media.js';

/**
 * Uploads a 1 GiB file to the test server ('echo-size': the upload is parsed and discarded) with the hosted
 * client and with `curl -F`, and reports the client's peak RSS and both times. Targets: RSS under 150 MB,
 * time within 1.5x of curl. Run: `npx tsx test/bench/hostedUpload.ts [runs]`.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIZE = 1024 ** 3;
const runs = Number(process.argv[2] ?? 2);
const run = promisify(execFile);

const dir = tempDir('convertr-bench-upload-');
const server = await startHostedTestServer();
server.setFault('echo-size');
try {
  const seed = path.join(dir, 'seed.wav');
  makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', seed]);
  const big = path.join(dir, 'big.wav');
  const fd = openSync(big, 'w');
  writeSync(fd, readFileSync(seed));
  ftruncateSync(fd, SIZE);
  closeSync(fd);

  const url = `${server.url}/api/convert`;
  const results: { client: number; curl: number; rss: number }[] = [];
  for (let attempt = 0; attempt < runs; attempt++) {
    const out = path.join(dir, `out-${attempt}`);
    // The server lives in this process: children must run asynchronously or it could not answer them.
    const child = await run(process.execPath, ['--import', 'tsx', 'test/bench/hostedUploadClient.ts', server.url, big, String(SIZE), out], { cwd: ROOT, encoding: 'utf8' });
    const client = JSON.parse(child.stdout) as { elapsedMs: number; peakRssBytes: number };
    rmSync(out, { force: true });
    const started = performance.now();
    await run('curl', ['-sS', '-o', '/dev/null', '-H', 'Accept: application/json, */*;q=0.8', '-F', 'input_format=wav', '-F', 'output_format=mp3', '-F', `file=@${big}`, url]);
    const curl = performance.now() - started;
    results.push({ client: client.elapsedMs, curl, rss: client.peakRssBytes });
    process.stdout.write(`run ${attempt + 1}: client ${(client.elapsedMs / 1000).toFixed(2)} s, curl -F ${(curl / 1000).toFixed(2)} s, client peak RSS ${(client.peakRssBytes / 2 ** 20).toFixed(0)} MiB\n`);
  }
  const best = (key: 'client' | 'curl') => Math.min(...results.map((r) => r[key]));
  const peak = Math.max(...results.map((r) => r.rss));
  const ratio = best('client') / best('curl');
  process.stdout.write(`1 GiB upload: client best ${(best('client') / 1000).toFixed(2)} s vs curl -F best ${(best('curl') / 1000).toFixed(2)} s (${ratio.toFixed(2)}x, target <= 1.5x); peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (target < 150 MB)\n`);
  process.exitCode = ratio <= 1.5 && peak < 150 * 10 ** 6 ? 0 : 1;
} finally {
  await server.close();
  removeDir(dir);
}
