import { describe, expect, it } from 'vitest';
import { heldByAnotherOwner, recoverInterruptedJob, type InterruptedJob, type RecoveryFileSystem } from '../../../main/core/jobs/jobModel';
import { JobControl } from '../../../main/core/jobs/jobContext';

const probe = (alive: number[], now = 1_000) => ({ pid: 10, isProcessAlive: (pid: number) => alive.includes(pid), now: () => now });

describe('job ownership', () => {
  it('a live owner with a running lease holds its job; a dead owner, an expired lease, no owner or this process do not', () => {
    expect(heldByAnotherOwner({ ownerPid: 20, leaseExpiresAt: 2_000 }, probe([20]))).toBe(true);
    expect(heldByAnotherOwner({ ownerPid: 20, leaseExpiresAt: 2_000 }, probe([]))).toBe(false);
    expect(heldByAnotherOwner({ ownerPid: 20, leaseExpiresAt: 999 }, probe([20]))).toBe(false);
    expect(heldByAnotherOwner({ ownerPid: null, leaseExpiresAt: null }, probe([20]))).toBe(false);
    expect(heldByAnotherOwner({ ownerPid: 10, leaseExpiresAt: 2_000 }, probe([10]))).toBe(false);
  });
});

function fakeFiles(present: string[]): RecoveryFileSystem & { removed: string[]; trees: string[]; stopped: string[] } {
  const files = new Set(present);
  const removed: string[] = [];
  const trees: string[] = [];
  const stopped: string[] = [];
  return {
    removed, trees, stopped,
    exists: (f) => files.has(f),
    sameFile: () => false,
    remove: (f) => {
      files.delete(f);
      removed.push(f);
    },
    removeTree: (f) => trees.push(f),
    stopOrphan: (pid, command) => stopped.push(`${pid} ${command}`),
  };
}

const job = (over: Partial<InterruptedJob>): InterruptedJob => ({
  state: 'running', ownerPid: 20, leaseExpiresAt: 0, tempPath: '/out/.a.1.convertr-part', outputPath: null, report: null, scratchDir: '/home/scratch/job-1', childPid: 33, childCommand: 'heif-convert', ...over,
});

describe('recovering an interrupted job', () => {
  it('stops its converter, removes its scratch folder and partial file, and releases it', () => {
    const files = fakeFiles(['/out/.a.1.convertr-part']);
    expect(recoverInterruptedJob(job({}), files)).toEqual({ kind: 'released', partialFileRemoved: true });
    expect(files.stopped).toEqual(['33 heif-convert']);
    expect(files.trees).toEqual(['/home/scratch/job-1']);
    expect(files.removed).toEqual(['/out/.a.1.convertr-part']);
  });

  it('completes a job caught between its rename and its bookkeeping instead of running it again', () => {
    const report = { input: '/in/a.heic', output: '/out/a.jpg', status: 'succeeded' as const, pair: 'HEIC->JPG', mode: 'local' as const, runtimeMs: 5, billableMinutes: 0, error: null, notes: [] };
    const files = fakeFiles(['/out/a.jpg']);
    expect(recoverInterruptedJob(job({ state: 'committing', outputPath: '/out/a.jpg', report }), files)).toEqual({ kind: 'completed', report });
  });
});

describe('pausing a job', () => {
  it('suspends its processes, also one started while paused, and says when its work cannot be suspended', () => {
    const control = new JobControl();
    const events: string[] = [];
    const child = (pid: number, suspendable = true) => ({ pid, command: 'ffmpeg', suspendable, suspend: () => events.push(`stop ${pid}`), resume: () => events.push(`cont ${pid}`) });
    expect(control.pause()).toBe('cannot-pause');
    const release = control.adopt(child(1));
    expect(control.state).toBe('paused');
    control.resume();
    release();
    control.adopt(child(2, false));
    expect(control.pause()).toBe('cannot-pause');
    expect(events).toEqual(['stop 1', 'cont 1', 'stop 2']);
  });

  it('holds in-process work at a checkpoint until resumed', async () => {
    const control = new JobControl();
    control.pause();
    let passed = false;
    const waiting = control.checkpoint().then(() => (passed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passed).toBe(false);
    control.resume();
    await waiting;
    expect(passed).toBe(true);
  });
});
