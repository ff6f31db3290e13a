import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/watchCli';
import { startServe, type ServedApp } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

interface Answer { ok: boolean; value?: unknown }

/** `convertr serve` (the built command): Download all passes each file through the single download's checks. */
describe('convertr serve: Download all, over real HTTP', () => {
  let served: ServedApp;
  let home: string;
  let dir: string;
  let base: string;
  let token: string;

  const invoke = async (channel: string, body: unknown): Promise<Answer> => {
    const response = await fetch(`${base}/api/invoke/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as Answer;
  };

  beforeAll(async () => {
    home = tempDir('convertr-web-all-');
    dir = tempDir('convertr-web-all-files-');
    served = await startServe(home);
    const url = new URL(served.url);
    base = url.origin;
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  }, 60_000);

  afterAll(async () => {
    await served?.stop();
    removeDir(home);
    removeDir(dir);
  });

  it('needs the token, sends the committed file in a ZIP, and refuses once the file is swapped for a symlink', async () => {
    expect((await fetch(`${base}/api/download-all`)).status).toBe(401);
    expect((await fetch(`${base}/api/download-all?token=${token}`)).status).toBe(404);
    const input = path.join(dir, 'portrait.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), input);
    const queued = await invoke('queue:enqueue', { paths: [input], target: 'png' });
    const jobId = (queued.value as { jobIds: number[] }).jobIds[0]!;
    let output = '';
    await waitFor(async () => {
      const job = ((await invoke('queue:get', {})).value as { jobs: { id: number; status: string; output: string | null }[] }).jobs.find((j) => j.id === jobId);
      output = job?.status === 'succeeded' ? job.output ?? '' : '';
      return output !== '';
    }, 'the job to succeed', 30_000);

    const answer = await fetch(`${base}/api/download-all?token=${token}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/zip');
    const zip = path.join(dir, 'all.zip');
    writeFileSync(zip, Buffer.from(await answer.arrayBuffer()));
    const inZip = execFileSync('python3', ['-c', 'import sys,zipfile,base64\nz=zipfile.ZipFile(sys.argv[1])\nprint(z.namelist()[0], base64.b64encode(z.read(z.namelist()[0])).decode())', zip], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split(' ');
    expect(inZip[0]).toBe('portrait.png');
    expect(Buffer.from(inZip[1]!, 'base64').equals(readFileSync(output))).toBe(true);

    unlinkSync(output);
    symlinkSync('/etc/passwd', output);
    const swapped = await fetch(`${base}/api/download-all?token=${token}`);
    const body = await swapped.text();
    expect(swapped.status).toBe(404);
    expect(body).not.toContain('root:');
    expect(body).toMatch(/no longer the file this job wrote/);
  });
});
