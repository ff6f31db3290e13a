import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { INVOKE_CHANNELS, type EventChannel, type EventPayload, type InvokeChannel } from '../../preload/contract.js';
import { isCommittedFile, type CommittedFile } from '../core/fileIdentity.js';
import { CONTENT_SECURITY_POLICY } from '../shell/contentSecurityPolicy.js';
import { handleInvoke, type Handler, type HandlerMap } from '../shell/handleInvoke.js';
import { writeZip, type ZipEntry } from './zipStream.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES, UploadInbox, UploadTooLarge } from './uploadInbox.js';

export { safeUploadName } from './uploadInbox.js';

export interface WebHostOptions {
  handlers: HandlerMap;
  /** The built renderer (out/renderer). */
  rendererDirectory: string;
  /** Where files dropped in the browser are uploaded before they are queued. */
  inboxDirectory: string;
  /** Largest upload accepted (default 1 GiB, the hosted API's limit); bigger ones get 413. */
  maxUploadBytes?: number;
  port?: number;
  token?: string;
  /**
   * The file a finished job wrote and what it was when committed (device, inode, size, time): only that
   * file, unchanged, can be downloaded; null when the job has none.
   */
  outputOf?: (jobId: number) => { path: string; committed: CommittedFile | null } | null;
  /** The jobs whose files Download all puts in its ZIP (those that succeeded), in list order. */
  succeededJobIds?: () => number[];
}

export interface WebHost {
  url: string;
  token: string;
  inbox: UploadInbox;
  broadcast<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.json': 'application/json' };
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const invokable = new Set<string>(INVOKE_CHANNELS);

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Content-Disposition for a file name, with an ASCII fallback for old clients. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const refusal = (code: string, message: string) => ({ ok: false, error: { code, message } });

/**
 * Answers a request whose body will not be read, then closes the connection: nothing of a refused
 * upload (however large it claims to be) is read or buffered.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    const socket = req.socket ?? res.socket;
    res.shouldKeepAlive = false;
    res.once('finish', () => socket?.destroySoon());
  }
  send(res, status, refusal(code, message));
}

class TooLarge extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_JSON_BYTES) throw new TooLarge(`A request may carry at most ${MAX_JSON_BYTES} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new TooLarge(`A request may carry at most ${MAX_JSON_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

/**
 * Serves the built renderer on 127.0.0.1 and the same contract as the Electron bridge over HTTP:
 * POST /api/invoke/<channel>, GET /api/events (server-sent events), POST /api/upload. Every API call
 * needs the per-run token, and requests naming another host or origin are refused.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const clients = new Set<ServerResponse>();
  let origin = '';
  const inbox = new UploadInbox(options.inboxDirectory, options.maxUploadBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES);

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(req, res, 500, 'INTERNAL', (error as Error).message);
      else res.destroy();
    });
  });

  function parseUrl(raw: string): URL | undefined {
    try {
      const url = new URL(raw, origin);
      decodeURIComponent(url.pathname);
      return url.origin === origin ? url : undefined;
    } catch {
      return undefined;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== new URL(origin).host) return refuse(req, res, 421, 'USAGE', 'Unknown host.');
    const url = parseUrl(req.url ?? '/');
    if (!url) return refuse(req, res, 400, 'USAGE', 'Malformed address.');
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, req, res);
    if (req.headers.origin !== undefined && req.headers.origin !== origin) return refuse(req, res, 403, 'USAGE', 'Cross-origin requests are refused.');
    const given = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('token');
    if (!sameToken(given, token)) return refuse(req, res, 401, 'USAGE', 'Missing or wrong token: open the address that convertr serve printed, #token=… included.');

    if (req.method === 'GET' && url.pathname === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/upload') return upload(url, req, res);
    const download = /^\/api\/download\/([1-9]\d{0,15})$/.exec(url.pathname);
    if ((req.method === 'GET' || req.method === 'HEAD') && download) return sendOutput(Number(download[1]), req, res);
    if (req.method === 'GET' && url.pathname === '/api/download-all') return sendAllOutputs(req, res);
    const match = /^\/api\/invoke\/([a-z]+:[a-zA-Z]+)$/.exec(url.pathname);
    if (req.method === 'POST' && match && invokable.has(match[1]!)) {
      const channel = match[1] as InvokeChannel;
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (error) {
        return refuse(req, res, error instanceof TooLarge ? 413 : 400, 'USAGE', error instanceof TooLarge ? error.message : `Invalid JSON: ${(error as Error).message}`);
      }
      const result = await handleInvoke(channel, options.handlers[channel] as Handler<typeof channel>, { senderFrame: { url: origin } }, body, () => true);
      return send(res, 200, result);
    }
    return refuse(req, res, 404, 'USAGE', 'No such endpoint.');
  }

  /**
   * The file a job committed, opened without following a symlink and checked on the open descriptor to be
   * that very file (a file swapped in since is refused); a sentence saying why not otherwise.
   */
  async function openOutput(jobId: number): Promise<{ handle: FileHandle; size: number; modified: Date; name: string } | { refused: string }> {
    const output = options.outputOf?.(jobId) ?? null;
    if (!output) return { refused: 'That job has no converted file to download (it failed, was removed or the file was moved).' };
    // O_NONBLOCK: a FIFO put in the output's place must not hold the request open.
    const handle = await open(output.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
    const info = handle ? await handle.stat({ bigint: true }).catch(() => undefined) : undefined;
    if (!handle || !info?.isFile() || !isCommittedFile(info, output.committed)) {
      await handle?.close();
      return { refused: `${path.basename(output.path)} is no longer the file this job wrote (it was moved, replaced or removed), so it is not sent.` };
    }
    return { handle, size: Number(info.size), modified: new Date(Number(info.mtimeMs)), name: path.basename(output.path) };
  }

  /** A finished job's output as an attachment, named as on disk. */
  async function sendOutput(jobId: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const opened = await openOutput(jobId);
    if ('refused' in opened) return refuse(req, res, 404, 'USAGE', opened.refused);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': opened.size,
      'Content-Disposition': attachment(opened.name),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      await opened.handle.close();
      return void res.end();
    }
    await pipeline(opened.handle.createReadStream(), res).catch(() => res.destroy());
  }

  /**
   * Every succeeded job's output in one store-only ZIP, streamed one file at a time; each file passes the same
   * checks as a single download, first all of them before anything is sent, then each again as it is read.
   */
  async function sendAllOutputs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ids = options.succeededJobIds?.() ?? [];
    if (ids.length === 0) return refuse(req, res, 404, 'USAGE', 'No converted files to download yet.');
    for (const id of ids) {
      const opened = await openOutput(id);
      if ('refused' in opened) return refuse(req, res, 404, 'USAGE', opened.refused);
      await opened.handle.close();
    }
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': attachment('Convertr files.zip'),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    let gone: Error | undefined;
    res.once('close', () => (gone ??= new Error('The browser stopped the download.')));
    const sink = (chunk: Buffer) =>
      new Promise<void>((resolve, reject) => {
        if (gone) return reject(gone);
        if (res.write(chunk)) return resolve();
        const settle = () => (gone ? reject(gone) : resolve());
        res.once('drain', settle);
        res.once('close', settle);
      });
    async function* entries(): AsyncGenerator<ZipEntry> {
      for (const id of ids) {
        const opened = await openOutput(id);
        if ('refused' in opened) throw new Error(opened.refused);
        yield { name: opened.name, size: opened.size, modified: opened.modified, open: () => opened.handle.createReadStream() };
      }
    }
    try {
      await writeZip(entries(), sink);
      res.end();
    } catch {
      res.destroy();
    }
  }

  async function upload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > inbox.limitBytes) return refuse(req, res, 413, 'TOO_LARGE', new UploadTooLarge(inbox.limitBytes).message);
    try {
      const file = await inbox.receive(req, url.searchParams.get('name') ?? 'upload');
      return send(res, 200, { ok: true, value: { path: file } });
    } catch (error) {
      if (error instanceof UploadTooLarge) return refuse(req, res, 413, 'TOO_LARGE', error.message);
      if (req.destroyed || req.readableAborted) return;
      throw error;
    }
  }

  async function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, 405, 'USAGE', 'Only GET here.');
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(options.rendererDirectory, relative);
    if (!file.startsWith(path.resolve(options.rendererDirectory) + path.sep)) return refuse(req, res, 404, 'USAGE', 'Not found.');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return refuse(req, res, 404, 'USAGE', 'Not found.');
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file), res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    token,
    inbox,
    broadcast: (channel, payload) => {
      const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const client of clients) client.write(frame);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
