import { stat } from 'node:fs/promises';
import { openUserInputHandle } from '../userInputFile.js';
import type { Clock } from '../engine/ports.js';
import { StabilityTracker, type FileSample, type StabilityOptions } from './stabilityTracker.js';

export interface StableFile extends FileSample {
  path: string;
}

export interface StabilityMonitorOptions extends StabilityOptions {
  pollMs: number;
}

export async function sampleFile(file: string): Promise<FileSample | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** A file another program holds locked (Windows sharing modes) cannot be opened; on POSIX this only checks read access. */
export async function canOpen(file: string): Promise<boolean> {
  try {
    const { handle } = await openUserInputHandle(file);
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

/** Polls files that were announced until each is stable and openable, then hands it on once. */
export class StabilityMonitor {
  private readonly tracker: StabilityTracker;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(private readonly options: StabilityMonitorOptions, private readonly clock: Clock, private readonly onStable: (file: StableFile) => void) {
    this.tracker = new StabilityTracker(options);
  }

  /** Starts (or keeps) watching a file; a change while pending simply shows up in the next sample. */
  announce(file: string): void {
    if (this.stopped) return;
    this.pending.add(file);
    this.timer ??= setInterval(() => void this.poll(), this.options.pollMs);
    if (this.pending.size === 1) void this.poll();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const file of [...this.pending]) {
        const sample = await sampleFile(file);
        if (this.stopped) return;
        const state = this.tracker.observe(file, sample, this.clock.now());
        if (state === 'gone') this.pending.delete(file);
        if (state !== 'stable' || !sample || !(await canOpen(file))) continue;
        this.pending.delete(file);
        this.tracker.forget(file);
        this.onStable({ path: file, ...sample });
      }
    } finally {
      this.polling = false;
      if (this.pending.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }
  }
}
