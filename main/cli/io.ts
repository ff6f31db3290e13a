/** What the CLI commands write to and listen on; the entry point binds it to the process. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Redraws the status lines at the bottom of a terminal (one per '\n'-separated line); '' clears them. */
  progress(text: string): void;
  stderrIsTty: boolean;
  /** The terminal's width in characters (0 when unknown). */
  columns(): number;
  onInterrupt(handler: () => void): void;
  offInterrupt(handler: () => void): void;
}

/**
 * Lines written in one turn of the event loop go out in one write (a batch of small files prints a line per
 * file, thousands a second); whatever is left goes out before the process exits, or before anything else is
 * written to the terminal (so that lines keep the order they were printed in).
 */
function coalescedLines(stream: NodeJS.WritableStream, around: (write: () => void) => void): { write: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    around(() => stream.write(text));
  };
  process.once('exit', flush);
  return {
    write: (line) => {
      if (pending.push(`${line}\n`) === 1) setImmediate(flush);
    },
    flush,
  };
}

/** The status block on a terminal's last lines: erased before any other output, drawn again at the next update. */
function statusBlock(stream: NodeJS.WriteStream) {
  let lines: string[] = [];
  let drawn = 0;
  const erase = () => {
    if (drawn === 0) return;
    stream.write(`\r${drawn > 1 ? `\x1b[${drawn - 1}A` : ''}\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (lines.length === 0) return;
    stream.write(lines.join('\n'));
    drawn = lines.length;
  };
  return {
    around: (write: () => void) => {
      erase();
      write();
    },
    set: (text: string) => {
      erase();
      lines = text === '' ? [] : text.split('\n');
      draw();
    },
  };
}

export function processIo(): CliIo {
  const tty = process.stderr.isTTY === true;
  const block = statusBlock(process.stderr);
  const around = tty ? block.around : (write: () => void) => write();
  const stdout = coalescedLines(process.stdout, around);
  return {
    stdout: stdout.write,
    stderr: (line) => {
      stdout.flush();
      around(() => process.stderr.write(`${line}\n`));
    },
    progress: (text) => {
      if (!tty) return;
      stdout.flush();
      block.set(text);
    },
    stderrIsTty: tty,
    columns: () => process.stderr.columns ?? 0,
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
