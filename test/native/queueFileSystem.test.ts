import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JobControl, runInJob, type JobChild } from '../../main/core/jobs/jobContext';
import { runProcess } from '../../native/ffmpeg/runProcess';
import { isProcessAlive, nodeRecoveryFileSystem } from '../../native/queueFileSystem';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('converter processes of a job', () => {
  it('recovery stops a converter a dead owner left running, but only if that pid still runs that command', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    nodeRecoveryFileSystem.stopOrphan(child.pid!, 'heif-convert');
    expect(isProcessAlive(child.pid!)).toBe(true);
    nodeRecoveryFileSystem.stopOrphan(child.pid!, 'sleep');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('hands every child it starts inside a job to the job, and takes it back when it exits', async () => {
    const seen: (JobChild | null)[] = [];
    const control = new JobControl((c) => seen.push(c));
    const result = await runInJob(control, () => runProcess('/bin/sh', ['-c', 'echo $$']));
    expect(result.code).toBe(0);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ pid: Number(result.stdout.trim()), command: 'sh', suspendable: true });
    expect(seen[1]).toBeNull();
  });

  it('a paused job suspends its child (SIGSTOP) and a cancel still ends it', async () => {
    const control = new JobControl();
    const abort = new AbortController();
    const running = runInJob(control, () => runProcess('/bin/sleep', ['30'], { signal: abort.signal }));
    control.pause();
    await until(() => control.state === 'paused');
    abort.abort();
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(control.state).toBe('cannot-pause');
  });
});
