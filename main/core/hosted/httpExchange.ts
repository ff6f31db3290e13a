import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Writable } from 'node:stream';
import { AppError } from '../errors.js';

/** Writes a request body into `sink`, honouring back-pressure; stops early when `stopped()` turns true. */
export type BodyWriter = (sink: Writable, stopped: () => boolean) => Promise<void>;

export interface ExchangeRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: BodyWriter;
  /** Fails the request when no byte moves for this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExchangeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** Frees the connection once the caller is done with the body. */
  close(): void;
  /** Why the body stopped early, when this side stopped it. */
  interruption(): 'timeout' | 'cancelled' | undefined;
}

/**
 * Where a request failed, which decides whether repeating it is safe:
 * `unreachable` never reached the server; `upload` broke while the body was being sent;
 * `awaiting` broke after the whole body was sent (the server may have acted on it).
 */
export type FailurePhase = 'unreachable' | 'upload' | 'awaiting';

export class ExchangeFailure extends Error {
  constructor(readonly phase: FailurePhase, readonly reason: 'network' | 'timeout' | 'cancelled', override readonly cause: Error) {
    super(cause.message);
    this.name = 'ExchangeFailure';
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

class TimeoutError extends Error {}
class CancelError extends Error {}

/** One HTTP request over node:http(s): streamed body, idle timeout, AbortSignal, and a precise account of where it failed. */
export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new ExchangeFailure('unreachable', 'cancelled', new CancelError('cancelled')));
      return;
    }
    const transport = request.url.protocol === 'https:' ? https : http;
    const req = transport.request(request.url, { method: request.method, headers: request.headers, agent: false });
    let connected = false;
    let bodySent = request.body === undefined;
    let responded = false;
    let settled = false;
    let interruption: 'timeout' | 'cancelled' | undefined;

    const onAbort = () => {
      interruption = 'cancelled';
      req.destroy(new CancelError('cancelled'));
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => request.signal?.removeEventListener('abort', onAbort);
    req.setTimeout(request.timeoutMs, () => {
      interruption ??= 'timeout';
      req.destroy(new TimeoutError(`no response within ${Math.round(request.timeoutMs / 1000)} s`));
    });
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('close', cleanup);

    req.on('response', (response) => {
      responded = true;
      settled = true;
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: response,
        close: () => {
          cleanup();
          req.destroy();
        },
        interruption: () => interruption,
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (error instanceof AppError) {
        reject(error);
        return;
      }
      const reason = error instanceof CancelError ? 'cancelled' : error instanceof TimeoutError ? 'timeout' : 'network';
      const phase: FailurePhase = !connected || UNREACHABLE_CODES.has(error.code ?? '') ? 'unreachable' : bodySent ? 'awaiting' : 'upload';
      reject(new ExchangeFailure(phase, reason, error));
    });

    if (!request.body) {
      req.end();
      return;
    }
    request.body(req, () => responded || req.destroyed).then(
      () => {
        if (responded || req.destroyed) return;
        bodySent = true;
        req.end();
      },
      (error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

/** Waits until a writable accepts more data, or stops waiting when it closes. */
export function drained(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

/** Reads a small body (an error page, a JSON answer) up to a limit. */
export async function readSmallBody(body: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limitBytes) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
