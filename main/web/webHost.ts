import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { INVOKE_CHANNELS, type EventChannel, type EventPayload, type InvokeChannel } from '../../preload/contract.js';
import { CONTENT_SECURITY_POLICY } from '../shell/contentSecurityPolicy.js';
import { handleInvoke, type Handler, type HandlerMap } from '../shell/handleInvoke.js';

export interface WebHostOptions {
  handlers: HandlerMap;
  /** The built renderer (out/renderer). */
  rendererDirectory: string;
  /** Where files dropped in the browser are uploaded before they are queued. */
  inboxDirectory: string;
  port?: number;
  token?: string;
}

export interface WebHost {
  url: string;
  token: string;
  broadcast<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json' };
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const invokable = new Set<string>(INVOKE_CHANNELS);

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

/** A file name from the browser, made safe to use inside the inbox. */
export function safeUploadName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\p{Cc}<>:"|?*]/gu, '_').trim();
  const cleaned = base.replace(/^\.+/, '');
  return cleaned === '' ? 'upload' : cleaned.slice(0, 200);
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
  let uploadCount = 0;

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'INTERNAL', message: (error as Error).message } });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (req.headers.host !== new URL(origin).host) return send(res, 421, { ok: false, error: { code: 'USAGE', message: 'Unknown host.' } });
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, res);
    if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, { ok: false, error: { code: 'USAGE', message: 'Cross-origin requests are refused.' } });
    const given = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('token');
    if (!sameToken(given, token)) return send(res, 401, { ok: false, error: { code: 'USAGE', message: 'Missing or wrong token.' } });

    if (req.method === 'GET' && url.pathname === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/upload') {
      const name = safeUploadName(url.searchParams.get('name') ?? 'upload');
      const folder = path.join(options.inboxDirectory, `${Date.now().toString(36)}-${(uploadCount++).toString(36)}`);
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, name);
      await pipeline(req, createWriteStream(file, { flags: 'wx' }));
      return send(res, 200, { ok: true, value: { path: file } });
    }
    const match = /^\/api\/invoke\/([a-z]+:[a-zA-Z]+)$/.exec(url.pathname);
    if (req.method === 'POST' && match && invokable.has(match[1]!)) {
      const channel = match[1] as InvokeChannel;
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (error) {
        return send(res, 400, { ok: false, error: { code: 'USAGE', message: `Invalid JSON: ${(error as Error).message}` } });
      }
      const result = await handleInvoke(channel, options.handlers[channel] as Handler<typeof channel>, { senderFrame: { url: origin } }, body, () => true);
      return send(res, 200, result);
    }
    return send(res, 404, { ok: false, error: { code: 'USAGE', message: 'No such endpoint.' } });
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(options.rendererDirectory, relative);
    if (!file.startsWith(path.resolve(options.rendererDirectory) + path.sep)) return send(res, 404, { ok: false });
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return send(res, 404, { ok: false, error: { code: 'USAGE', message: 'Not found.' } });
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
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
