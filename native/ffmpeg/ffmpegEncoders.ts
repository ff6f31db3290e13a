import type { EncoderLister } from '../../main/core/engine/ports.js';
import { runProcess } from './runProcess.js';

const LIST_TIMEOUT_MS = 30_000;

/** The encoder names in `ffmpeg -encoders` output: the word after the six capability letters of each row. */
export function parseEncoderList(stdout: string): Set<string> {
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const row = /^\s*[VAS][.A-Z]{5}\s+(\S+)/.exec(line);
    if (row && row[1] !== '=') names.add(row[1]!);
  }
  return names;
}

/** Asks the ffmpeg binary once which encoders it was built with, and remembers the answer. */
export class FfmpegEncoderList implements EncoderLister {
  private answer: Promise<ReadonlySet<string> | undefined> | undefined;

  constructor(private readonly binary: string) {}

  encoders(): Promise<ReadonlySet<string> | undefined> {
    this.answer ??= this.ask();
    return this.answer;
  }

  private async ask(): Promise<ReadonlySet<string> | undefined> {
    const result = await runProcess(this.binary, ['-hide_banner', '-encoders'], { timeoutMs: LIST_TIMEOUT_MS });
    if (result.code === 0) return parseEncoderList(result.stdout);
    // Not remembered: the next job asks again; this one leaves it to the encode to say what is missing.
    this.answer = undefined;
    return undefined;
  }
}
