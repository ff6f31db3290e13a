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

export function processIo(): CliIo {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`);
    },
    stderrIsTty: process.stderr.isTTY === true,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
    },
    offInterrupt: (handler) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
