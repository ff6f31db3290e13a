import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, cancelledError } from '../../main/core/errors.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel. */
  data: Uint8Array;
}

interface Pending {
  id: number;
  request: { buffer: Uint8Array; width: number; height: number };
  resolve: (image: DecodedImage) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
}

interface Slot {
  worker: Worker;
  job: Pending | undefined;
}

type WorkerReply = { id: number; ok: true; width: number; height: number; data: Uint8Array } | { id: number; ok: false; message: string };

const IDLE_EXIT_MS = 2000;

/** The worker script: beside this module in the sources, one folder up when this module is bundled into out/main/chunks. */
function workerBesideThisModule(): URL {
  const beside = new URL('./heicDecodeWorker.js', import.meta.url);
  const above = new URL('../heicDecodeWorker.js', import.meta.url);
  return !existsSync(fileURLToPath(beside)) && existsSync(fileURLToPath(above)) ? above : beside;
}

/** Decodes HEIC images on worker threads, one per core, started on demand and stopped when idle. */
export class HeicDecoderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly size = availableParallelism(),
    private readonly workerUrl = workerBesideThisModule(),
  ) {}

  decode(buffer: Uint8Array, primary: { width: number; height: number }, signal?: AbortSignal): Promise<DecodedImage> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      const job: Pending = { id: this.nextId++, request: { buffer, ...primary }, resolve, reject, signal };
      signal?.addEventListener('abort', () => this.abort(job), { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private abort(job: Pending): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(cancelledError());
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (slot) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      void slot.worker.terminate();
      job.reject(cancelledError());
      this.pump();
    }
  }

  private pump(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, ...job.request });
    }
    if (this.slots.every((s) => s.job === undefined) && this.slots.length > 0) {
      this.idleTimer = setTimeout(() => void this.close(), IDLE_EXIT_MS);
      this.idleTimer.unref();
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl);
    worker.unref();
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      if (reply.ok) job.resolve({ width: reply.width, height: reply.height, data: reply.data });
      else job.reject(new AppError('INPUT_CORRUPT', `This HEIC image could not be decoded: ${reply.message}`));
      this.pump();
    });
    worker.on('error', (error) => {
      const job = slot.job;
      this.slots.splice(this.slots.indexOf(slot), 1);
      job?.reject(new AppError('INPUT_CORRUPT', `The HEIC decoder failed on this image: ${error.message}`));
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}
