import path from 'node:path';
import { formatTimeLeft } from '../core/durationText.js';
import type { FileConverter } from '../core/engine/run/fileConverter.js';

export interface Running {
  name: string;
  progress: number;
  /** The first progress report (what came before it, opening and probing the file, says little of the rate). */
  first?: { progress: number; at: number };
  /** When progress last moved. */
  movedAt: number;
}

/**
 * Seconds left from the job's own rate (progress per second since its first progress report), counted
 * down between reports so that it moves each time the line is drawn; undefined until a second report.
 */
export function secondsLeft(job: Running, now: number): number | undefined {
  if (job.progress >= 1) return 0;
  const first = job.first;
  if (!first || job.movedAt <= first.at || job.progress <= first.progress) return undefined;
  const rate = (job.progress - first.progress) / (job.movedAt - first.at);
  return Math.max(0, (1 - job.progress) / rate - (now - job.movedAt)) / 1000;
}

/** A file name cut in its middle to `width` characters, so that what follows it on the line stays whole. */
function fit(name: string, width: number): string {
  if (name.length <= width) return name;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  const head = Math.ceil((width - 1) / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (width - 1 - head))}`;
}

/** The converting jobs of a terminal run, one line each, fed by the converters they run on. */
export class ProgressLines {
  private readonly running = new Map<number, Running>();
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  /** The same converter, reporting each file's progress here as well. */
  watch(converter: FileConverter): FileConverter {
    return {
      convert: (request, signal, onProgress, hooks) => {
        const id = this.nextId++;
        this.running.set(id, { name: path.basename(request.inputPath), progress: 0, movedAt: this.now() });
        const report = (fraction: number) => {
          const job = this.running.get(id);
          if (job && fraction > job.progress) {
            job.progress = Math.min(1, fraction);
            job.movedAt = this.now();
            job.first ??= { progress: job.progress, at: job.movedAt };
          }
          onProgress?.(fraction);
        };
        return converter.convert(request, signal, report, hooks).finally(() => this.running.delete(id));
      },
    };
  }

  /** `[2/5] clip.mp4  42% (12 s left)` per converting file, each at most `columns - 1` characters. */
  lines(finished: number, total: number, columns: number): string[] {
    const now = this.now();
    const width = Math.max(20, (columns > 0 ? columns : 80) - 1);
    return [...this.running.values()].map((job) => {
      const left = secondsLeft(job, now);
      const tail = ` ${String(Math.floor(job.progress * 100)).padStart(3)}% (${left === undefined ? 'starting' : formatTimeLeft(left)})`;
      const head = `[${finished}/${total}] `;
      return `${head}${fit(job.name, width - head.length - tail.length)}${tail}`.slice(0, width);
    });
  }
}
