import { stat } from 'node:fs/promises';
import { openUserInputHandle } from '../userInputFile.js';
import type { Clock } from '../engine/ports.js';
import { StabilityTracker, type FileSample, type StabilityOptions } from './stabilityTracker.js';

export type StableFile = FileSample & { path: string };
export type StabilityMonitorOptions = StabilityOptions & { pollMs: number };

export async function sampleFile(file: string): Promise<FileSample | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

/** A file another program holds locked (Windows sharing modes) cannot be opened; on POSIX this only checks read access. */
function canOpen(file: string): Promise<boolean> {
  return openUserInputHandle(file).then(({ handle }) => handle.close()).then(() => true, () => false);
}

/** Polls files that were announced until each is stable and openable, then hands it on once. */
export class StabilityMonitor {
  private readonly tracker: StabilityTracker;
  readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly options: StabilityMonitorOptions, private readonly clock: Clock, private readonly onStable: (file: StableFile) => void) {
    this.tracker = new StabilityTracker(options);
  }

  /** Starts (or keeps) watching a file; a change while pending simply shows up in the next sample. */
  announce(file: string): void {
    this.pending.add(file);
    this.timer ??= setInterval(() => void this.poll(), this.options.pollMs);
    if (this.pending.size === 1) void this.poll();
  }

  stop(): void {
    this.pending.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const file of [...this.pending]) {
        const sample = await sampleFile(file);
        // Stopped meanwhile.
        if (!this.pending.has(file)) return;
        const state = this.tracker.observe(file, sample, this.clock.now());
        if (state === 'gone') this.pending.delete(file);
        if (state !== 'stable' || !sample || !(await canOpen(file))) continue;
        this.pending.delete(file);
        this.tracker.forget(file);
        this.onStable({ path: file, ...sample });
      }
    } finally {
      this.polling = false;
      if (this.pending.size === 0) this.stop();
    }
  }
}
