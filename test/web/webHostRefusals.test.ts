import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startBuiltCli } from '../helpers/cli';
import { waitFor } from '../helpers/watchCli';
import { startServe, type ServedApp } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

const LIMIT = 4 * 1024 * 1024;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

interface RawAnswer {
  status: number;
  body: string;
  /** ms from sending the headers to the server closing the connection (undefined: still open when we gave up). */
  closedAfterMs: number | undefined;
  bodyBytesSent: number;
}

/**
 * Speaks HTTP over a bare socket, so that the test controls exactly which bytes go out (odd header bytes,
 * a body announced but never sent, a body cut short) and sees when the server closes the connection.
 */
function raw(port: number, head: string | Buffer, options: { body?: Buffer; cutAfter?: number; keepSendingMs?: number; waitMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    let sent = 0;
    let closedAfterMs: number | undefined;
    let pump: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(pump);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4), closedAfterMs, bodyBytesSent: sent });
    };
    const giveUp = setTimeout(() => {
      socket.destroy();
      finish();
    }, options.waitMs ?? 5000);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAfterMs ??= Date.now() - started;
      clearTimeout(giveUp);
      finish();
    });
    socket.on('connect', () => {
      socket.write(head);
      if (options.body) {
        const part = options.cutAfter === undefined ? options.body : options.body.subarray(0, options.cutAfter);
        socket.write(part);
        sent += part.length;
        if (options.cutAfter !== undefined) setTimeout(() => socket.destroy(), 100);
      }
      if (options.keepSendingMs) {
        const chunk = Buffer.alloc(64 * 1024);
        pump = setInterval(() => {
          if (Date.now() - started > options.keepSendingMs! || socket.destroyed) return clearInterval(pump);
          if (socket.write(chunk)) sent += chunk.length;
        }, 5);
      }
    });
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

describe('convertr serve (the built command) refuses what it must, over real HTTP', () => {
  let served: ServedApp;
  let home: string;
  let base: string;
  let port: number;
  let token: string;
  let inbox: string;
  let leftover: string;
  let oneOff: string;

  const invoke = async (channel: string, body: unknown) => {
    const response = await fetch(`${base}/api/invoke/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    home = tempDir('convertr-web-');
    inbox = path.join(home, 'inbox');
    // An upload left half-written by an earlier run that was killed: cleaned when the host starts.
    leftover = path.join(inbox, 'old-0-0');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(path.join(leftover, '.convertr-upload'), 'half.mp4');
    writeFileSync(path.join(leftover, 'half.mp4'), Buffer.alloc(1000));
    // A one-off `convertr watch` (no --save) run earlier with the same data folder.
    oneOff = tempDir('convertr-web-oneoff-');
    const watch = startBuiltCli(['watch', oneOff, '--to', 'png'], { CONVERTR_HOME: home });
    let watchErr = '';
    watch.child.stderr!.on('data', (c: Buffer) => (watchErr += c.toString()));
    await waitFor(() => watchErr.includes('Press Ctrl-C'), 'the one-off watch to start', 30_000);
    watch.child.kill('SIGINT');
    expect((await watch.done).code).toBe(0);
    served = await startServe(home, { CONVERTR_UPLOAD_LIMIT_BYTES: String(LIMIT) });
    const url = new URL(served.url);
    base = url.origin;
    port = Number(url.port);
    token = /token=([0-9a-f]+)/.exec(url.hash)![1]!;
  }, 60_000);

  afterAll(async () => {
    await served?.stop();
    removeDir(home);
    removeDir(oneOff);
  });

  it('shows no batch folder for a one-off convertr watch, and does not run it', async () => {
    const { json } = await invoke('folders:list', {});
    expect(json.value).toEqual({ rules: [] });
  });

  it('is the built command, serving the built window', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
    const icon = await fetch(`${base}/favicon.png`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/png');
  });

  it('cleans the inbox of uploads left by an earlier run at start', () => {
    expect(existsSync(leftover)).toBe(false);
  });

  it('answers 401 to a missing, wrong or non-ASCII token, and never 500', async () => {
    expect((await fetch(`${base}/api/invoke/queue:get`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${base}/api/invoke/queue:get`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${'0'.repeat(token.length)}` } })).status).toBe(401);
    // Same length in characters as the real token, longer in bytes: once the cause of a 500.
    const odd = await raw(port, Buffer.concat([Buffer.from(`POST /api/invoke/queue:get HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer `), Buffer.from(`é${token.slice(1)}`, 'latin1'), Buffer.from('\r\nContent-Length: 2\r\n\r\n{}')]));
    expect(odd.status).toBe(401);
    const query = await fetch(`${base}/api/events?token=%C3%A9${token.slice(1)}`);
    expect(query.status).toBe(401);
  });

  it('answers 4xx to malformed addresses', async () => {
    for (const target of ['/%E0%A4%A', '/api/invoke/%E0%A4%A', '/assets/%ff', '//evil.example/x', '/../../etc/passwd']) {
      const answer = await raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
    }
  });

  it('answers a request without a valid token before reading its body, and closes the connection', async () => {
    const answer = await raw(port, `POST /api/upload?name=big.mp4 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${2 * 1024 ** 3}\r\n\r\n`, { keepSendingMs: 3000, waitMs: 6000 });
    expect(answer.status).toBe(401);
    expect(answer.closedAfterMs, 'the server closed the connection instead of reading 2 GiB').toBeLessThan(3000);
    expect(answer.bodyBytesSent).toBeLessThan(2 * 1024 ** 3);
    expect(filesUnder(inbox)).toEqual([]);
  });

  it('refuses an upload over the limit with 413, whether announced or streamed, and keeps nothing of it', async () => {
    const announced = await raw(port, `POST /api/upload?name=big.mp4 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`);
    expect(announced.status).toBe(413);
    expect(announced.closedAfterMs).toBeDefined();
    const streamed = await raw(port, `POST /api/upload?name=big.mp4 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n\r\n`, {
      body: Buffer.concat([Buffer.from(`${(LIMIT + 10).toString(16)}\r\n`), Buffer.alloc(LIMIT + 10), Buffer.from('\r\n0\r\n\r\n')]),
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(filesUnder(inbox)).toEqual([]);
  });

  it('removes an upload cut short', async () => {
    await raw(port, `POST /api/upload?name=cut.mp4 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n`, { body: Buffer.alloc(100_000, 1), cutAfter: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(filesUnder(inbox)).toEqual([]);
    expect(existsSync(inbox) ? readdirSync(inbox) : []).toEqual([]);
  });

  it('keeps a 150-character CJK name within the file system limit, extension included', async () => {
    const name = `${'写真'.repeat(75)}.jpg`;
    const response = await fetch(`${base}/api/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: Buffer.from('x') });
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: { path: string } };
    expect(path.extname(value.path)).toBe('.jpg');
    expect(Buffer.byteLength(path.basename(value.path))).toBeLessThanOrEqual(180);
    expect(path.basename(value.path).startsWith('写真写真')).toBe(true);
    expect(existsSync(value.path)).toBe(true);
  });

  it('removes an uploaded file once its job has succeeded, keeping the output beside it', async () => {
    const response = await fetch(`${base}/api/upload?name=portrait.jpg`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(corpus('image/portrait_6.jpg')))) });
    const { value } = (await response.json()) as { value: { path: string } };
    expect((await invoke('queue:enqueue', { paths: [value.path], target: 'png' })).json.ok).toBe(true);
    const output = path.join(path.dirname(value.path), 'portrait.png');
    for (let i = 0; i < 300 && existsSync(value.path); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(value.path), 'the uploaded copy').toBe(false);
    expect(existsSync(output), 'the output').toBe(true);
  });

  it('keeps a failed upload for Retry, and removes it when the job is cleared from the queue', async () => {
    const response = await fetch(`${base}/api/upload?name=notes.mp4`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: 'not a video\n' });
    const { value } = (await response.json()) as { value: { path: string } };
    expect((await invoke('queue:enqueue', { paths: [value.path], target: null })).json.ok).toBe(true);
    const failed = async () => ((await invoke('queue:get', {})).json.value as { jobs: { input: string; status: string }[] }).jobs.some((j) => j.input === value.path && j.status === 'failed');
    await waitFor(failed, 'the job to fail', 30_000);
    expect(existsSync(value.path), 'kept for Retry').toBe(true);
    expect((await invoke('queue:clearFinished', {})).json.ok).toBe(true);
    expect(existsSync(value.path)).toBe(false);
    expect(existsSync(path.dirname(value.path))).toBe(false);
  });

  it('refuses output and done folders that are relative or inside the app, its window or its data', async () => {
    const renderer = path.join(ROOT, 'out/renderer/assets');
    const cases: [string, unknown, RegExp][] = [
      ['settings:set', { outputFolder: 'converted' }, /must be a full path/],
      ['settings:set', { outputFolder: renderer }, /inside Convertr's window files/],
      ['settings:set', { outputFolder: path.join(home, 'outputs') }, /inside Convertr's data folder/],
      ['settings:set', { outputFolder: path.join(ROOT, 'main') }, /inside Convertr's own program folder/],
    ];
    const watched = tempDir('convertr-web-watch-');
    try {
      const rule = { inputFolder: watched, outputFolder: null, target: 'png', recursive: false, include: [], exclude: [], doneFolder: null };
      cases.push(
        ['folders:add', { ...rule, doneFolder: renderer }, /inside Convertr's window files/],
        ['folders:add', { ...rule, outputFolder: 'out' }, /must be a full path/],
        ['folders:add', { ...rule, inputFolder: path.join(watched, 'missing') }, /does not exist/],
      );
      for (const [channel, body, message] of cases) {
        const { status, json } = await invoke(channel, body);
        expect(status).toBe(200);
        expect(json.ok, `${channel} ${JSON.stringify(body)}`).toBe(false);
        expect(json.error!.message).toMatch(message);
      }
      expect((await invoke('folders:add', rule)).json.ok).toBe(true);
      const twin = await invoke('folders:add', { ...rule, target: 'webp' });
      expect(twin.json.error?.message).toMatch(/already watched by another rule/);
      expect(filesUnder(path.join(ROOT, 'out/renderer')).some((f) => !/\/(index\.html|favicon\.png|assets\/index-[\w-]+\.(js|css))$/.test(f))).toBe(false);
    } finally {
      const { json } = await invoke('folders:list', {});
      for (const r of (json.value as { rules: { id: number }[] }).rules) await invoke('folders:remove', { id: r.id });
      removeDir(watched);
    }
  });
});
