import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { currentJob, type JobChild } from '../../main/core/jobs/jobContext.js';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  aborted: boolean;
  timedOut: boolean;
  /** Stopped after `idleTimeoutMs` without a byte on stdout or stderr. */
  stalled: boolean;
}

export interface RunProcessOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Stops the process when it writes nothing for this long while it runs (time suspended by a pause does not count). */
  idleTimeoutMs?: number;
  onStdout?: (chunk: string) => void;
  /** Keep stdout in the result (off for streams we only parse). */
  collectStdout?: boolean;
  /** Hands the child to its jobs (it returns the function called when the child has exited); the current job's when absent. */
  adopt?: (child: JobChild) => () => void;
}

/** What is kept of a process's stderr: its end. */
export const MAX_STDERR_CHARS = 64 * 1024;
/**
 * How long an aborted converter may take to stop on SIGTERM before SIGKILL. Its output is a temporary that is
 * removed anyway, and a command must end within 2 s of Ctrl-C: libvpx flushing its look-ahead took longer.
 */
const KILL_GRACE_MS = 300;

/** POSIX job control: SIGSTOP suspends a process, SIGCONT resumes it (Windows has no such signals). */
const SUSPENDABLE = process.platform !== 'win32';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((candidate) => process.platform === 'linux' && existsSync(candidate));

/**
 * Run between setpriv and the binary: a parent that died before setpriv asked for the death signal sends none,
 * so the child checks that its parent is still this process, and ends instead of running as an orphan.
 */
export const PARENT_CHECK = '[ "$PPID" = "$1" ] || exit 129; shift; exec "$@"';

/**
 * On Linux the child is started through util-linux's `setpriv --pdeathsig KILL`, which asks the kernel to
 * kill it the moment this process dies (kill -9 included) and then becomes the binary itself (same pid).
 * Elsewhere, and as a second line, the pid is recorded with the job and recovery stops it.
 */
function command(binary: string, args: readonly string[]): [string, string[]] {
  if (SETPRIV && path.isAbsolute(binary) && existsSync(binary)) return [SETPRIV, ['--pdeathsig', 'KILL', '--', '/bin/sh', '-c', PARENT_CHECK, 'sh', String(process.pid), binary, ...args]];
  return [binary, [...args]];
}

/**
 * Spawns a binary with an argument array (never a shell), stoppable by an AbortSignal or a timeout. Inside a
 * job (jobs/jobContext.ts) the child is handed to the job: recorded for recovery, suspended while paused.
 */
export function runProcess(binary: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', aborted: true, timedOut: false, stalled: false });
      return;
    }
    const [program, argv] = command(binary, args);
    const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    let aborted = false;
    let timedOut = false;
    let stalled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const stopIdleTimer = () => clearTimeout(idleTimer);
    const startIdleTimer = () => {
      stopIdleTimer();
      if (options.idleTimeoutMs === undefined) return;
      idleTimer = setTimeout(() => {
        stalled = true;
        stop();
      }, options.idleTimeoutMs);
    };
    const adopt = options.adopt ?? ((handed: JobChild) => currentJob()?.adopt(handed));
    const release = child.pid === undefined ? () => {} : adopt({
      pid: child.pid,
      command: path.basename(binary),
      suspendable: SUSPENDABLE,
      suspend: () => {
        stopIdleTimer();
        return SUSPENDABLE && child.kill('SIGSTOP');
      },
      resume: () => {
        startIdleTimer();
        return SUSPENDABLE && child.kill('SIGCONT');
      },
    }) ?? (() => {});

    const stop = () => {
      child.kill('SIGTERM');
      // A suspended (paused) process only acts on the signal once it runs again.
      if (SUSPENDABLE) child.kill('SIGCONT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Handing the child over may already have stopped it (a job paused before the process was spawned).
    if (options.signal?.aborted) onAbort();
    const timeout = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;

    startIdleTimer();
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!stalled) startIdleTimer();
      if (options.collectStdout !== false) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      if (!stalled) startIdleTimer();
      stderr += chunk;
      if (stderr.length > MAX_STDERR_CHARS) stderr = stderr.slice(-MAX_STDERR_CHARS);
    });
    child.on('error', (error) => {
      release();
      stopIdleTimer();
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      reject(error);
    });
    child.on('close', (code, signal) => {
      release();
      stopIdleTimer();
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr, aborted, timedOut, stalled });
    });
  });
}
