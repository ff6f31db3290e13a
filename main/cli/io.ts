/** What the CLI commands write to and listen on; the entry point binds it to the process. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Rewrites one status line on a terminal; '' clears it. */
  progress(line: string): void;
  stderrIsTty: boolean;
  onInterrupt(handler: () => void): void;
  offInterrupt(handler: () => void): void;
}

/**
 * Lines written in one turn of the event loop go out in one write (a batch of small files prints a line per
 * file, thousands a second); whatever is left goes out before the process exits.
 */
function coalescedLines(stream: NodeJS.WritableStream): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending.push(`${line}\n`) === 1) setImmediate(flush);
  };
}

export function processIo(): CliIo {
  return {
    stdout: coalescedLines(process.stdout),
    stderr: (line) => process.stderr.write(`${line}\n`),
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`);
    },
    stderrIsTty: process.stderr.isTTY === true,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      if (!process.listeners('SIGINT').includes(stopWithin)) {
        process.on('SIGINT', stopWithin);
        process.on('SIGTERM', stopWithin);
      }
    },
    offInterrupt: (handler) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** How long a command may take to wind down after Ctrl-C or SIGTERM before the process ends anyway. */
export const STOP_GRACE_MS = 1500;

/**
 * The bound on stopping: a command stops its jobs when interrupted (their partial files removed, the batch
 * left resumable); if that has not ended the process within the grace period, or a second signal comes, it
 * ends now, as a crash would, and the next run or `convertr resume` recovers what was left. Stays armed after
 * the command's own handler is removed: winding down (closing the database, waiting for converters) is bounded too.
 */
function stopWithin(signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (stopping) process.exit(code);
  stopping = true;
  setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
}
let stopping = false;
