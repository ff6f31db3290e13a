import { createWriteStream } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, cancelledError, isAppError } from '../errors.js';
import { dispositionFileName } from './contentDisposition.js';
import { errorForFailure, errorForStatus } from './hostedErrors.js';
import { apiEndpoint, HOSTED_UPLOAD_LIMIT_BYTES, isSecureTransport } from './hostedPlan.js';
import {
  costOf, downloadUrlOf, jobSchema, jobState, parseJsonSuccess, registrationSchema, serverWords,
  type HostedCost, type HostedJob, type RegistrationResponse,
} from './hostedResponses.js';
import { exchange, ExchangeFailure, readSmallBody, type BodyWriter, type ExchangeResponse } from './httpExchange.js';
import { multipartUpload } from './multipartUpload.js';
import { backoffMs, retryDelayMs } from './retryAfter.js';

export interface HostedClientOptions {
  apiUrl: URL;
  token?: string | undefined;
  /** The raw client label; sent as a header, never stored. */
  label?: string | undefined;
  timeoutMs: number;
  uploadLimitBytes?: number;
  /** The longest wait a `Retry-After` may ask for before the client gives up instead. */
  maxServerWaitMs?: number;
  /** How long a queued job may take on the server. */
  jobTimeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface HostedUpload {
  filePath: string;
  sizeBytes: number;
  inputFormat: string;
  outputFormat: string;
}

export interface HostedProgress {
  upload?(fraction: number): void;
  download?(fraction: number): void;
  /** The server accepted the upload as a job to poll: called once, before the first poll, so that it can be stored. */
  accepted?(job: AcceptedJob): void;
}

/** A job the server took for later (202, or JSON with `id` + `status`): enough to poll it again after a restart. */
export interface AcceptedJob {
  serverId: string;
  statusUrl: string;
}

export interface HostedDownload {
  bytes: number;
  cost: HostedCost;
  /** The sanitised name the server gave the file, if any. */
  serverFileName: string | undefined;
}

export interface RegistrationForm {
  name: string;
  email: string;
  password: string;
}

interface Outgoing {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Called again for each attempt. */
  body?: BodyWriter;
  /** Repeating it cannot do anything twice (GET), so network faults may be retried. */
  repeatable: boolean;
  what: string;
}

const MAX_RATE_LIMITED_RETRIES = 5;
const MAX_UNAVAILABLE_RETRIES = 3;
const MAX_NETWORK_RETRIES = 2;
const MAX_REDIRECTS = 5;
/** Failures of a status check that say nothing about the job itself. */
const STILL_PENDING = new Set(['HOSTED_NETWORK', 'HOSTED_TIMEOUT', 'HOSTED_UNAVAILABLE', 'HOSTED_RATE_LIMITED']);
const MINUTES_HEADERS = ['x-convertr-minutes', 'x-conversion-minutes', 'x-billable-minutes'];

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Header values must be Latin-1; a label with other characters is sent percent-encoded. */
export function labelHeaderValue(label: string): string {
  const trimmed = label.trim();
  return /^[\x20-\x7e]*$/.test(trimmed) ? trimmed : encodeURIComponent(trimmed);
}

const headerText = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function costFromHeaders(headers: IncomingHttpHeaders): HostedCost {
  for (const name of MINUTES_HEADERS) {
    const value = Number(headerText(headers, name));
    if (headerText(headers, name) !== undefined && Number.isFinite(value) && value >= 0) return { minutes: value };
  }
  return {};
}

/** The id the server gave the request, for support: `X-Request-Id` or a common variant; printable text only. */
function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  for (const name of ['x-request-id', 'x-correlation-id', 'request-id']) {
    const value = headerText(headers, name)?.trim();
    if (value && /^[\x21-\x7e]{1,128}$/.test(value)) return value;
  }
  return undefined;
}

const isJson = (headers: IncomingHttpHeaders) => /[/+]json\b/i.test(headerText(headers, 'content-type') ?? '');

/** The service answered 404 (or 410) on a job's status URL: it no longer knows the job, so only a new upload can finish it. */
export class HostedJobUnknown extends AppError {
  constructor() {
    super('HOSTED_REJECTED', 'The hosted API no longer knows this job (it may have expired); retry to upload the file again.');
  }
}

/**
 * Where a link or redirect from the API may lead: with an HTTPS API only HTTPS; with a plain-HTTP API
 * (which is always on this machine) HTTPS or plain HTTP on this machine.
 */
export function mayFollow(apiUrl: URL, target: URL): boolean {
  if (target.protocol === 'https:') return true;
  return apiUrl.protocol === 'http:' && isSecureTransport(target);
}

/** Speaks the hosted Convertr API: convert with a streamed upload, and register. */
export class HostedClient {
  private readonly limit: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HostedClientOptions) {
    this.limit = options.uploadLimitBytes ?? HOSTED_UPLOAD_LIMIT_BYTES;
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
  }

  /** Uploads a file, and writes the converted file to `destination` (a temporary file the caller owns). */
  async convert(upload: HostedUpload, destination: string, signal?: AbortSignal, progress: HostedProgress = {}): Promise<HostedDownload> {
    if (upload.sizeBytes > this.limit) {
      throw new AppError('HOSTED_TOO_LARGE', `This file is ${(upload.sizeBytes / 1024 ** 3).toFixed(2)} GB; the hosted API takes files up to ${(this.limit / 1024 ** 3).toFixed(0)} GB. Convert it locally with --mode local.`);
    }
    const url = apiEndpoint(this.options.apiUrl, '/api/convert');
    const body = multipartUpload(
      [['input_format', upload.inputFormat], ['output_format', upload.outputFormat]],
      { path: upload.filePath, sizeBytes: upload.sizeBytes, fileName: `input.${upload.inputFormat}`, contentType: 'application/octet-stream' },
      (sent) => progress.upload?.(upload.sizeBytes > 0 ? sent / upload.sizeBytes : 1),
    );
    const response = await this.send({
      url,
      method: 'POST',
      headers: { ...this.headers(url, { Accept: 'application/json, */*;q=0.8' }), 'Content-Type': body.contentType, 'Content-Length': String(body.contentLength) },
      body: body.write,
      repeatable: false,
      what: 'upload',
    }, signal);
    return this.receive(response, url, destination, signal, progress);
  }

  /** Polls a job the server accepted earlier (stored before a crash or a quit) instead of uploading again. */
  async resume(statusUrl: URL, destination: string, signal?: AbortSignal, progress: HostedProgress = {}): Promise<HostedDownload> {
    return this.pollJob({ id: '', status: 'queued' }, statusUrl, statusUrl.href, destination, signal, progress, true);
  }

  /** `POST /api/client-registrations`; the answer is validated before anything uses it. */
  async register(form: RegistrationForm, signal?: AbortSignal): Promise<RegistrationResponse> {
    const url = apiEndpoint(this.options.apiUrl, '/api/client-registrations');
    const payload = Buffer.from(new URLSearchParams({ name: form.name, email: form.email, password: form.password, password_confirmation: form.password }).toString(), 'utf8');
    const response = await this.send({
      url,
      method: 'POST',
      headers: { ...this.headers(url, { Accept: 'application/json' }, false), 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(payload.length) },
      body: async (sink) => {
        sink.write(payload);
      },
      repeatable: false,
      what: 'registration',
    }, signal);
    const text = await this.readAll(response, 'registration');
    if (response.status < 200 || response.status >= 300) throw errorForStatus(response.status, text, this.limit, requestIdOf(response.headers));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AppError('HOSTED_PROTOCOL', `The registration answer is not JSON (HTTP ${response.status}).`);
    }
    const registration = registrationSchema.safeParse(parsed);
    if (!registration.success) throw new AppError('HOSTED_PROTOCOL', `The registration answer is missing fields this client needs: ${registration.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
    return registration.data;
  }

  private headers(url: URL, base: Record<string, string>, withToken = true): Record<string, string> {
    const headers: Record<string, string> = { ...base, 'User-Agent': 'Convertr-Desktop' };
    // A link or redirect to another origin, or to plain HTTP off this machine, never carries the token or the label.
    if (url.origin !== this.options.apiUrl.origin || !isSecureTransport(url)) return headers;
    if (this.options.label !== undefined && this.options.label.trim() !== '') headers['X-Convertr-Client-Label'] = labelHeaderValue(this.options.label);
    if (withToken && this.options.token) headers['Authorization'] = `Bearer ${this.options.token}`;
    return headers;
  }

  /** Sends with the retries the API allows: 429 and 503 as the server asks, network faults only when safe. */
  private async send(outgoing: Outgoing, signal: AbortSignal | undefined): Promise<ExchangeResponse> {
    let rateLimited = 0;
    let unavailable = 0;
    let network = 0;
    for (;;) {
      let response: ExchangeResponse;
      try {
        response = await exchange({
          url: outgoing.url,
          method: outgoing.method,
          headers: outgoing.headers,
          ...(outgoing.body ? { body: outgoing.body } : {}),
          timeoutMs: this.options.timeoutMs,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (!(error instanceof ExchangeFailure)) throw error;
        const safe = error.reason === 'network' && (error.phase === 'unreachable' || outgoing.repeatable);
        if (safe && network < MAX_NETWORK_RETRIES) {
          await this.sleep(backoffMs(network++), signal);
          continue;
        }
        throw errorForFailure(error, outgoing.what, this.limit, outgoing.url.hostname);
      }
      const status = response.status;
      const retryable = status === 429 || status === 503 || (outgoing.repeatable && status >= 500);
      if (!retryable) return response;
      const attempt = status === 429 ? ++rateLimited : status === 503 ? ++unavailable : ++network;
      const max = status === 429 ? MAX_RATE_LIMITED_RETRIES : status === 503 ? MAX_UNAVAILABLE_RETRIES : MAX_NETWORK_RETRIES;
      const wait = retryDelayMs(response.headers, this.now()) ?? backoffMs(attempt - 1);
      if (attempt > max || wait > (this.options.maxServerWaitMs ?? 120_000)) return response;
      response.close();
      await this.sleep(wait, signal);
    }
  }

  private async readAll(response: ExchangeResponse, what: string): Promise<string> {
    try {
      return await readSmallBody(response.body);
    } catch (error) {
      throw this.bodyError(response, error, what);
    } finally {
      response.close();
    }
  }

  private bodyError(response: ExchangeResponse, error: unknown, what: string): AppError {
    if (error instanceof AppError) return error;
    const interruption = response.interruption();
    if (interruption === 'cancelled') return cancelledError();
    if (interruption === 'timeout') return new AppError('HOSTED_TIMEOUT', `The hosted API stopped sending during the ${what}; the job can be retried.`);
    return new AppError('HOSTED_NETWORK', `The connection to the hosted API broke during the ${what} (${(error as Error).message}); the job can be retried.`);
  }

  private async receive(response: ExchangeResponse, url: URL, destination: string, signal: AbortSignal | undefined, progress: HostedProgress): Promise<HostedDownload> {
    const { status, headers } = response;
    if (status < 200 || status >= 300) throw errorForStatus(status, await this.readAll(response, 'upload'), this.limit, requestIdOf(headers));
    if (status === 202 || isJson(headers)) {
      const text = await this.readAll(response, 'upload');
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new AppError('HOSTED_PROTOCOL', `The hosted API answered HTTP ${status} with JSON that cannot be read.`);
      }
      const success = parseJsonSuccess(parsed);
      const headerCost = costFromHeaders(headers);
      const location = headerText(headers, 'location');
      if (success?.kind === 'download') return this.download(new URL(success.url, url), destination, signal, progress, { ...headerCost, ...success.cost });
      if (success?.kind === 'job') return this.pollJob(success.job, url, location, destination, signal, progress);
      if (status === 202 && location) return this.pollJob({ id: '', status: 'queued' }, url, location, destination, signal, progress);
      throw new AppError('HOSTED_PROTOCOL', `The hosted API answered HTTP ${status} with neither a file, a download link nor a job.`);
    }
    return this.save(response, destination, progress, 'download');
  }

  private async save(response: ExchangeResponse, destination: string, progress: HostedProgress, what: string): Promise<HostedDownload> {
    const expected = Number(headerText(response.headers, 'content-length'));
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (Number.isFinite(expected) && expected > 0) progress.download?.(Math.min(1, received / expected));
        callback(null, chunk);
      },
    });
    try {
      await pipeline(response.body, counter, createWriteStream(destination));
    } catch (error) {
      throw this.bodyError(response, error, what);
    } finally {
      response.close();
    }
    if (Number.isFinite(expected) && headerText(response.headers, 'content-length') !== undefined && received !== expected) {
      throw new AppError('HOSTED_NETWORK', `The converted file arrived incomplete (${received} of ${expected} bytes); the job can be retried.`);
    }
    if (received === 0) throw new AppError('HOSTED_PROTOCOL', 'The hosted API answered with an empty file.');
    return { bytes: received, cost: costFromHeaders(response.headers), serverFileName: dispositionFileName(headerText(response.headers, 'content-disposition')) };
  }

  /** GETs a file, following redirects; the token never goes to another origin. */
  private async download(url: URL, destination: string, signal: AbortSignal | undefined, progress: HostedProgress, cost: HostedCost): Promise<HostedDownload> {
    let target = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new AppError('HOSTED_PROTOCOL', `The download link uses ${target.protocol}, which this client does not follow.`);
      if (!mayFollow(this.options.apiUrl, target)) {
        throw new AppError('HOSTED_PROTOCOL', `The hosted API pointed the download at ${target.origin}, over unencrypted http://; the API is HTTPS, so the file was not fetched from there.`);
      }
      const response = await this.send({ url: target, method: 'GET', headers: this.headers(target, { Accept: '*/*' }), repeatable: true, what: 'download' }, signal);
      const location = headerText(response.headers, 'location');
      if (response.status >= 300 && response.status < 400 && location) {
        response.close();
        target = new URL(location, target);
        continue;
      }
      if (response.status < 200 || response.status >= 300) throw errorForStatus(response.status, await this.readAll(response, 'download'), this.limit, requestIdOf(response.headers));
      const saved = await this.save(response, destination, progress, 'download');
      return { ...saved, cost: { ...cost, ...saved.cost } };
    }
    throw new AppError('HOSTED_PROTOCOL', 'The download link redirected too many times.');
  }

  private async pollJob(first: HostedJob, base: URL, location: string | undefined, destination: string, signal: AbortSignal | undefined, progress: HostedProgress, resumed = false): Promise<HostedDownload> {
    const statusUrl = new URL(first.status_url ?? first.poll_url ?? location ?? apiEndpoint(this.options.apiUrl, `/api/convert/${encodeURIComponent(first.id)}`).href, base);
    if (!mayFollow(this.options.apiUrl, statusUrl)) throw new AppError('HOSTED_PROTOCOL', `The hosted API named a status URL on ${statusUrl.origin}, over unencrypted http://; the API is HTTPS, so it was not asked.`);
    if (!resumed) progress.accepted?.({ serverId: first.id, statusUrl: statusUrl.href });
    const deadline = this.now() + (this.options.jobTimeoutMs ?? 30 * 60_000);
    let job = first;
    let delay = 500;
    let cost = costOf(job);
    for (;;) {
      const state = jobState(job);
      cost = { ...cost, ...costOf(job) };
      if (state === 'succeeded') {
        const link = downloadUrlOf(job);
        if (!link) throw new AppError('HOSTED_PROTOCOL', 'The hosted job finished without a download link.');
        return this.download(new URL(link, statusUrl), destination, signal, progress, cost);
      }
      if (state === 'failed') {
        const reason = typeof job.error === 'string' ? job.error : job.error?.message ?? job.message;
        throw new AppError('HOSTED_REJECTED', `The hosted conversion failed: ${reason ?? `the job ended as "${job.status}"`}.`);
      }
      if (this.now() + delay > deadline) throw new AppError('HOSTED_TIMEOUT', 'The hosted job did not finish in time; it stays recorded, and running the same command again (or "convertr resume") asks for it again without a new upload.');
      await this.sleep(delay, signal);
      delay = Math.min(5_000, Math.round(delay * 1.6));
      let text: string;
      let status: number;
      try {
        const response = await this.send({ url: statusUrl, method: 'GET', headers: this.headers(statusUrl, { Accept: 'application/json' }), repeatable: true, what: 'job status check' }, signal);
        status = response.status;
        text = await this.readAll(response, 'job status check');
      } catch (error) {
        // The service has the job: an unreachable network or a failing server only delays the answer, up to the deadline.
        if (isAppError(error) && STILL_PENDING.has(error.code)) {
          delay = Math.min(15_000, delay * 2);
          continue;
        }
        throw error;
      }
      if (status === 404 || status === 410) throw new HostedJobUnknown();
      if (status >= 500) {
        delay = Math.min(15_000, delay * 2);
        continue;
      }
      if (status < 200 || status >= 300) throw errorForStatus(status, text, this.limit);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const next = jobSchema.safeParse(parsed);
      if (!next.success) throw new AppError('HOSTED_PROTOCOL', `The job status answer cannot be read${serverWords(text) ? `: ${serverWords(text)}` : ''}.`);
      job = next.data;
    }
  }
}
