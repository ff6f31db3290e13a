import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli, startCli } from '../helpers/cli';
import { ffprobe, listAll, makeMedia, removeDir, tempDir } from '../helpers/media';

function count(dbFile: string, table: string, where = '1'): number {
  if (!existsSync(dbFile)) return 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** kill -9 while the server holds two accepted (202) jobs: "convertr resume" polls them, hosted, and uploads nothing again. */
describe('a hosted batch survives kill -9', () => {
  let server: HostedTestServer;
  let dir: string;
  let home: string;
  const inputs: string[] = [];
  const env = () => ({ CONVERTR_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-hosted-resume-');
    home = path.join(dir, 'home');
    for (const [i, frequency] of [[0, 330], [1, 550]] as const) {
      const file = path.join(dir, `tone${i}.wav`);
      makeMedia(['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=3`, file]);
      inputs.push(file);
    }
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('resumes hosted (the routing was stored), polls the 202 jobs and never uploads them again', async () => {
    server.setFault('job-202-slow');
    server.setJobDelay(8_000);
    const out = path.join(dir, 'out');
    const dbFile = path.join(home, 'convertr.db');
    const first = startCli(['convert', ...inputs, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    const uploads = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    for (let i = 0; i < 300 && !(uploads() === 2 && count(dbFile, 'hosted_jobs') === 2); i++) await new Promise((r) => setTimeout(r, 100));
    expect(uploads()).toBe(2);
    expect(count(dbFile, 'hosted_jobs')).toBe(2);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(jsonLines(killed.stdout)).toHaveLength(0);
    const pollsBefore = server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/convert/')).length;

    // Not the same command: "resume" knows nothing but what the database kept, including that the batch was hosted.
    const resumed = await runCli(['resume', '--json'], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = jsonLines(resumed.stdout);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l['status'] === 'succeeded' && l['mode'] === 'hosted')).toBe(true);
    expect(uploads()).toBe(2);
    expect(server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/convert/')).length).toBeGreaterThan(pollsBefore);
    expect(listAll(out).sort()).toEqual(['tone0.mp3', 'tone1.mp3']);
    for (const file of listAll(out)) expect(ffprobe(path.join(out, file)).streams[0]!.codec_name).toBe('mp3');
    expect(count(dbFile, 'hosted_jobs')).toBe(0);
    expect(count(dbFile, 'batch_routing')).toBe(0);
    expect(count(dbFile, 'queue_jobs', "state <> 'succeeded'")).toBe(0);
  }, 180_000);

  it('accepted (202), then unreachable for 12 s: the job is polled on with backoff and kept recorded meanwhile, never uploaded twice', async () => {
    server.setFault('job-202-slow');
    server.setJobDelay(2_000);
    server.setUnreachableAfterAccept(12_000);
    const out = path.join(dir, 'out-outage');
    const dbFile = path.join(home, 'convertr.db');
    const uploadsBefore = server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    const run = startCli(['convert', inputs[0]!, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    let recordedDuringOutage = 0;
    let finished = false;
    void run.done.then(() => (finished = true));
    // The outage starts with the 202, right after the upload arrives: look at the record well inside it.
    let uploadedAt: number | undefined;
    for (let i = 0; i < 1200 && !finished; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (uploadedAt === undefined && server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length > uploadsBefore) uploadedAt = Date.now();
      const since = uploadedAt === undefined ? 0 : Date.now() - uploadedAt;
      if (since > 4_000 && since < 10_000) recordedDuringOutage = Math.max(recordedDuringOutage, count(dbFile, 'hosted_jobs'));
    }
    const result = await run.done;
    server.setUnreachableAfterAccept(0);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)).toMatchObject([{ status: 'succeeded', mode: 'hosted' }]);
    expect(recordedDuringOutage).toBe(1);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length - uploadsBefore).toBe(1);
    expect(listAll(out)).toEqual(['tone0.mp3']);
    expect(count(dbFile, 'hosted_jobs')).toBe(0);
  }, 120_000);

  it('a file is uploaded again only when the service says it no longer knows the job, and the user is told', async () => {
    server.setFault('job-202-slow');
    server.setJobDelay(120_000);
    const out = path.join(dir, 'out-forgotten');
    const dbFile = path.join(home, 'convertr.db');
    const posts = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    const uploadsBefore = posts();
    const args = ['convert', inputs[1]!, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url];
    const first = startCli(args, env());
    for (let i = 0; i < 300 && count(dbFile, 'hosted_jobs') === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(count(dbFile, 'hosted_jobs')).toBe(1);
    first.child.kill('SIGKILL');
    await first.done;
    server.forgetJobs();
    server.setJobDelay(500);
    const unknownBefore = server.unknownJobPolls();

    const again = await runCli(args, env());
    expect(again.code, again.stderr).toBe(0);
    expect(server.unknownJobPolls()).toBeGreaterThan(unknownBefore);
    expect(posts() - uploadsBefore).toBe(2);
    expect(`${again.stdout}${again.stderr}`).toMatch(/no longer knew the job it had accepted earlier, so the file was uploaded again/);
    expect(listAll(out)).toEqual(['tone1.mp3']);
    expect(count(dbFile, 'hosted_jobs')).toBe(0);
  }, 120_000);

  it('a job still unfinished when the command gives up stays recorded; the same command polls it, without a second upload', async () => {
    server.setFault('job-202-slow');
    server.setJobDelay(10_000);
    const out = path.join(dir, 'out-unfinished');
    const dbFile = path.join(home, 'convertr.db');
    const posts = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/convert').length;
    const uploadsBefore = posts();
    const args = ['convert', inputs[0]!, '--to', 'mp3', '--out', out, '--mode', 'hosted', '--api-url', server.url, '--json'];
    const first = await runCli(args, { ...env(), CONVERTR_HOSTED_JOB_TIMEOUT_MS: '2000' });
    expect(first.code).toBe(1);
    expect(jsonLines(first.stdout)[0]).toMatchObject({ status: 'failed', mode: 'hosted', error: { code: 'HOSTED_TIMEOUT' } });
    expect(count(dbFile, 'hosted_jobs')).toBe(1);
    expect(String((jsonLines(first.stdout)[0]!['error'] as { message: string }).message)).toMatch(/stays recorded/);

    const again = await runCli(args, env());
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted' });
    expect(posts() - uploadsBefore).toBe(1);
    expect(listAll(out)).toEqual(['tone0.mp3']);
    expect(count(dbFile, 'hosted_jobs')).toBe(0);
  }, 120_000);
});
