import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../main/core/errors.js';
import { OUTPUT_FORMATS, INPUT_FORMATS, outputKind, type OutputFormat, type MediaKind } from '../../main/core/formats.js';
import { createNativeEngine, type NativeEngine } from '../../native/createNativeEngine.js';

/** How the server misbehaves, switched by tests. */
export type FaultMode =
  | 'none'
  | 'error-500'
  | 'unavailable-503-once'
  | 'rate-limit-once'
  | 'reset-mid-upload'
  | 'json-url'
  | 'json-url-other-origin'
  | 'redirect-other-origin'
  | 'job-202'
  | 'job-202-slow'
  | 'html-413'
  | 'stall'
  | 'slow-upload'
  | 'validation-422'
  | 'echo-size'
  /** JSON naming a download link on plain http (the second origin), even when the API itself is HTTPS. */
  | 'json-url-http'
  /** The download link redirects to plain http (the second origin). */
  | 'redirect-http';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  label: string | undefined;
  accept: string | undefined;
  contentLength: number | undefined;
  fieldOrder: string[];
}

export interface HostedTestServer {
  url: string;
  /** A second origin serving download links, to check that the token is not sent there. */
  otherOrigin: string;
  requests: RecordedRequest[];
  otherOriginRequests: RecordedRequest[];
  setFault(mode: FaultMode): void;
  setUploadLimit(bytes: number): void;
  setPlan(plan: Partial<Record<MediaKind, number>>): void;
  /** Copies of the files uploaded since `keepUploads(true)`, to check what left the client. */
  keptUploads: string[];
  keepUploads(keep: boolean): void;
  /** `job-202-slow`: how long an accepted job stays "processing" after its upload (its conversion runs meanwhile). */
  setJobDelay(ms: number): void;
  /** Bills every conversion this many minutes (whatever it took), as a service that bills more than predicted. */
  setBillMinutes(minutes: number | undefined): void;
  /** After each 202, the server drops every connection for this long: the job runs on, the client cannot reach it. */
  setUnreachableAfterAccept(ms: number): void;
  /** Forgets every accepted job: its status URL answers 404 from now on. */
  forgetJobs(): void;
  /** Each time a status URL answered 404 for a job the server no longer knows. */
  unknownJobPolls(): number;
  /** Tokens issued by registration, as `id|secret`. */
  tokens(): string[];
  /** Forgets every issued token, as when an account's tokens are revoked. */
  revokeTokens(): void;
  inFlightPeak(): number;
  close(): Promise<void>;
}

interface Account { id: number; email: string; token: string; cohort: string }

const MULTIPART_ROOM = 1024 * 1024;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

const laravel422 = (res: ServerResponse, errors: Record<string, string[]>) => {
  const all = Object.values(errors).flat();
  const more = all.length > 1 ? ` (and ${all.length - 1} more error${all.length > 2 ? 's' : ''})` : '';
  json(res, 422, { message: `${all[0]}${more}`, errors }, { 'X-Request-Id': `req-${randomBytes(6).toString('hex')}` });
};

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Speaks the hosted API contract like the Laravel service does, converting with this project's own engine. */
export async function startHostedTestServer(options: { uploadLimitBytes?: number; engine?: NativeEngine; tls?: { key: string; cert: string } } = {}): Promise<HostedTestServer> {
  // A test that hides ffmpeg from the app under test hands the server an engine made before it did.
  let engine: NativeEngine | undefined = options.engine;
  const work = mkdtempSync(path.join(tmpdir(), 'convertr-hosted-server-'));
  const accounts: Account[] = [];
  const files = new Map<string, { path: string; name: string }>();
  // Jobs live in the server, not in a connection: they survive a client that crashes and comes back.
  const jobs = new Map<string, { polls: number; fileId: string | undefined; readyAt: number; error?: string }>();
  let jobDelayMs = 3_000;
  let billMinutes: number | undefined;
  let unreachableMs = 0;
  let unreachableUntil = 0;
  let unknownPolls = 0;
  let keep = false;
  const keptUploads: string[] = [];
  const requests: RecordedRequest[] = [];
  const otherOriginRequests: RecordedRequest[] = [];
  let fault: FaultMode = 'none';
  let uploadLimit = options.uploadLimitBytes ?? 1024 ** 3;
  let plan: Record<MediaKind, number> = { video: 20, audio: 40, image: Number.POSITIVE_INFINITY };
  const inFlight = new Map<string, number>();
  let peak = 0;
  let nextId = 1;
  let otherOrigin = '';

  const record = (req: IncomingMessage, list: RecordedRequest[]): RecordedRequest => {
    const entry: RecordedRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      authorization: header(req, 'authorization'),
      label: header(req, 'x-convertr-client-label'),
      accept: header(req, 'accept'),
      contentLength: header(req, 'content-length') === undefined ? undefined : Number(header(req, 'content-length')),
      fieldOrder: [],
    };
    list.push(entry);
    return entry;
  };

  const authenticate = (req: IncomingMessage, res: ServerResponse): Account | null | false => {
    const auth = header(req, 'authorization');
    if (!auth) return null;
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const account = accounts.find((a) => a.token === token);
    if (!account) {
      // Laravel answers only after PHP has read the whole request.
      req.on('end', () => json(res, 401, { message: 'Unauthenticated.' }));
      req.resume();
      return false;
    }
    return account;
  };

  const register = (req: IncomingMessage, res: ServerResponse) => {
    const fields: Record<string, string> = {};
    const form = busboy({ headers: req.headers });
    form.on('field', (name, value) => (fields[name] = value));
    form.on('close', () => {
      const errors: Record<string, string[]> = {};
      if (!fields['name']) errors['name'] = ['The name field is required.'];
      if (!fields['email']) errors['email'] = ['The email field is required.'];
      else if (!/^[^@\s]+@[^@\s]+$/.test(fields['email'])) errors['email'] = ['The email field must be a valid email address.'];
      else if (accounts.some((a) => a.email === fields['email'])) errors['email'] = ['The email has already been taken.'];
      if (!fields['password'] || fields['password'].length < 8) errors['password'] = ['The password field must be at least 8 characters.'];
      else if (fields['password'] !== fields['password_confirmation']) errors['password'] = ['The password field confirmation does not match.'];
      if (Object.keys(errors).length > 0) return laravel422(res, errors);
      const id = accounts.length + 1;
      const account: Account = { id, email: fields['email']!, token: `${id}|${randomBytes(20).toString('hex')}`, cohort: `cohort_${randomBytes(8).toString('hex')}` };
      accounts.push(account);
      json(res, 201, {
        message: 'Client registered.',
        user: { id, name: fields['name'], email: account.email, anonymous_api_client_cohort: account.cohort },
        token: { type: 'Bearer', plain_text_token: account.token },
        anonymous_access: { available: true, upload_limit: uploadLimit },
      });
    });
    req.pipe(form);
  };

  const sendFile = (res: ServerResponse, file: string, name: string, headers: Record<string, string> = {}) => {
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Content-Disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      ...headers,
    });
    createReadStream(file).pipe(res);
  };

  const convert = (req: IncomingMessage, res: ServerResponse, entry: RecordedRequest) => {
    const account = authenticate(req, res);
    if (account === false) return;
    const length = Number(header(req, 'content-length'));
    // The limit is on the file; the multipart envelope around it gets some room.
    if (fault === 'html-413' || length > uploadLimit + MULTIPART_ROOM) {
      if (fault === 'html-413') {
        res.writeHead(413, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>');
      } else {
        json(res, 413, { message: 'The file is too large.' });
      }
      req.resume();
      return;
    }
    if (fault === 'error-500') {
      req.resume();
      req.on('end', () => json(res, 500, { message: 'Server Error' }));
      return;
    }
    if (fault === 'unavailable-503-once' || fault === 'rate-limit-once') {
      const status = fault === 'rate-limit-once' ? 429 : 503;
      fault = 'none';
      req.resume();
      req.on('end', () => json(res, status, { message: status === 429 ? 'Too Many Attempts.' : 'Service Unavailable' }, { 'Retry-After': '1' }));
      return;
    }
    const client = account ? `token:${account.id}` : `ip:${req.socket.remoteAddress}`;
    const fields: Record<string, string> = {};
    const upload = path.join(work, `upload-${nextId++}`);
    let received = 0;
    let kindKey: string | undefined;
    const release = () => {
      if (kindKey) inFlight.set(kindKey, (inFlight.get(kindKey) ?? 1) - 1);
      kindKey = undefined;
    };
    res.on('close', release);
    const form = busboy({ headers: req.headers });
    let fileDone: Promise<void> = Promise.resolve();
    form.on('field', (name, value) => {
      entry.fieldOrder.push(name);
      fields[name] = value;
    });
    form.on('file', (name, stream) => {
      entry.fieldOrder.push(name);
      const target = fields['output_format'] as OutputFormat | undefined;
      if (target && (OUTPUT_FORMATS as readonly string[]).includes(target)) {
        const kind = outputKind(target);
        const key = `${client}:${kind}`;
        const running = inFlight.get(key) ?? 0;
        if (running >= plan[kind]) {
          stream.resume();
          stream.on('end', () => json(res, 429, { message: 'Too Many Attempts.' }, { 'Retry-After': '1', 'X-RateLimit-Limit': String(plan[kind]), 'X-RateLimit-Remaining': '0' }));
          return;
        }
        kindKey = key;
        inFlight.set(key, running + 1);
        peak = Math.max(peak, running + 1);
      }
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > uploadLimit && !res.headersSent) json(res, 413, { message: 'The file may not be greater than the upload limit.' });
        if (fault === 'reset-mid-upload' && received > 64 * 1024) req.socket.destroy();
        if (fault === 'slow-upload' && received > 256 * 1024) req.pause();
      });
      fileDone = fault === 'echo-size' ? new Promise((resolve) => stream.on('end', resolve).resume()) : pipeline(stream, createWriteStream(upload));
    });
    form.on('close', () => {
      if (res.headersSent) return;
      void fileDone.then(() => answer(res, fields, upload, received)).catch((error: unknown) => json(res, 500, { message: String(error) }));
    });
    req.pipe(form);
  };

  const answer = async (res: ServerResponse, fields: Record<string, string>, upload: string, received: number) => {
    const errors: Record<string, string[]> = {};
    if (!fields['input_format']) errors['input_format'] = ['The input format field is required.'];
    else if (!(INPUT_FORMATS as readonly string[]).includes(fields['input_format'])) errors['input_format'] = ['The selected input format is invalid.'];
    if (!fields['output_format']) errors['output_format'] = ['The output format field is required.'];
    else if (!(OUTPUT_FORMATS as readonly string[]).includes(fields['output_format'])) errors['output_format'] = ['The selected output format is invalid.'];
    if (fault === 'validation-422') errors['output_format'] = ['The selected output format is invalid.'];
    if (Object.keys(errors).length > 0) return laravel422(res, errors);
    if (fault === 'stall') return;
    if (fault === 'echo-size') {
      const text = `received ${received} bytes\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    }
    const target = fields['output_format'] as OutputFormat;
    if (keep) {
      const copy = path.join(work, `kept-${keptUploads.length}.${fields['input_format']}`);
      copyFileSync(upload, copy);
      keptUploads.push(copy);
    }
    engine ??= createNativeEngine({ heicWorkers: 1 });
    if (fault === 'job-202-slow') {
      // Accepted at once; converted in the background; "processing" until both the conversion and the delay are over.
      const jobId = randomBytes(6).toString('hex');
      const state: { polls: number; fileId: string | undefined; readyAt: number; error?: string } = { polls: 0, fileId: undefined, readyAt: Date.now() + jobDelayMs };
      jobs.set(jobId, state);
      json(res, 202, { id: jobId, status: 'queued', status_url: `/api/convert/${jobId}` }, { Location: `/api/convert/${jobId}` });
      if (unreachableMs > 0) unreachableUntil = Date.now() + unreachableMs;
      void engine.converter.convert({ inputPath: upload, target, outputDir: work })
        .then((result) => {
          const fileId = randomBytes(8).toString('hex');
          files.set(fileId, { path: result.outputPath, name: `converted.${target}` });
          state.fileId = fileId;
        })
        .catch((error: unknown) => (state.error = error instanceof AppError ? error.message : String(error)))
        .finally(() => rmSync(upload, { force: true }));
      return;
    }
    let output: string;
    const started = Date.now();
    try {
      output = (await engine.converter.convert({ inputPath: upload, target, outputDir: path.join(work) })).outputPath;
    } catch (error) {
      const message = error instanceof AppError ? error.message : String(error);
      return laravel422(res, { file: [message] });
    } finally {
      rmSync(upload, { force: true });
    }
    const freeImage = outputKind(target) === 'image' && received <= 10 * 1024 * 1024;
    const minutes = String(freeImage ? 0 : billMinutes ?? Math.max(1, Math.ceil((Date.now() - started) / 60_000)));
    const name = `converted.${target}`;
    const id = randomBytes(8).toString('hex');
    files.set(id, { path: output, name });
    if (fault === 'json-url') return json(res, 200, { download_url: `/files/${id}`, credits_charged: 1, minutes: Number(minutes) });
    if (fault === 'json-url-http') return json(res, 200, { download_url: `${otherOrigin}/files/${id}`, minutes: Number(minutes) });
    if (fault === 'json-url-other-origin') return json(res, 200, { url: `${otherOrigin}/files/${id}`, credits_charged: 1 });
    if (fault === 'redirect-other-origin' || fault === 'redirect-http') return json(res, 200, { download_url: `/files/${id}`, minutes: Number(minutes) });
    if (fault === 'job-202') {
      const jobId = randomBytes(6).toString('hex');
      jobs.set(jobId, { polls: 0, fileId: id, readyAt: 0 });
      return json(res, 202, { id: jobId, status: 'queued' }, { Location: `/api/convert/${jobId}` });
    }
    sendFile(res, output, name, { 'X-Convertr-Minutes': minutes });
  };

  const serveFile = (res: ServerResponse, id: string) => {
    const file = files.get(id);
    if (!file) return json(res, 404, { message: 'Not Found.' });
    sendFile(res, file.path, file.name);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Unreachable after an accepted job: the connection is dropped before any answer.
    if (Date.now() < unreachableUntil) {
      req.socket.destroy();
      return;
    }
    const entry = record(req, requests);
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/api/client-registrations') return register(req, res);
    if (req.method === 'POST' && url === '/api/convert') return convert(req, res, entry);
    const job = /^\/api\/convert\/([a-f0-9]+)$/.exec(url);
    if (req.method === 'GET' && job) {
      const state = jobs.get(job[1]!);
      if (!state) {
        unknownPolls++;
        return json(res, 404, { message: 'Not Found.' });
      }
      state.polls++;
      if (state.error) return json(res, 200, { id: job[1], status: 'failed', error: { message: state.error } });
      const ready = state.polls >= 2 && state.fileId !== undefined && Date.now() >= state.readyAt;
      return ready ? json(res, 200, { id: job[1], status: 'succeeded', download_url: `/files/${state.fileId}`, minutes: billMinutes ?? 2 }) : json(res, 200, { id: job[1], status: 'processing' });
    }
    const file = /^\/files\/([a-f0-9]+)$/.exec(url);
    if (req.method === 'GET' && file && fault === 'redirect-http') {
      res.writeHead(302, { Location: `${otherOrigin}/files/${file[1]}` });
      return res.end();
    }
    if (req.method === 'GET' && file && fault === 'redirect-other-origin') {
      res.writeHead(302, { Location: `${otherOrigin}/files/${file[1]}` });
      return res.end();
    }
    if (req.method === 'GET' && file) return serveFile(res, file[1]!);
    json(res, 404, { message: 'Not Found.' });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handle) : http.createServer(handle);
  const other = http.createServer((req, res) => {
    record(req, otherOriginRequests);
    const file = /^\/files\/([a-f0-9]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && file) return serveFile(res, file[1]!);
    json(res, 404, { message: 'Not Found.' });
  });
  const listen = (s: http.Server | https.Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const port = await listen(server);
  otherOrigin = `http://127.0.0.1:${await listen(other)}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    otherOrigin,
    requests,
    otherOriginRequests,
    setFault: (mode) => (fault = mode),
    setUploadLimit: (bytes) => (uploadLimit = bytes),
    setPlan: (next) => (plan = { ...plan, ...next }),
    setJobDelay: (ms) => (jobDelayMs = ms),
    setBillMinutes: (minutes) => (billMinutes = minutes),
    setUnreachableAfterAccept: (ms) => {
      unreachableMs = ms;
      if (ms === 0) unreachableUntil = 0;
    },
    forgetJobs: () => jobs.clear(),
    unknownJobPolls: () => unknownPolls,
    keptUploads,
    keepUploads: (value) => (keep = value),
    tokens: () => accounts.map((a) => a.token),
    revokeTokens: () => accounts.forEach((a) => (a.token = `revoked-${randomBytes(4).toString('hex')}`)),
    inFlightPeak: () => peak,
    close: async () => {
      server.closeAllConnections();
      other.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
      if (!options.engine) await engine?.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
