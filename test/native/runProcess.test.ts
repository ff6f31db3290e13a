import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PARENT_CHECK, runProcess } from '../../native/ffmpeg/runProcess';

describe('runProcess', () => {
  it('stops a running process when its AbortSignal fires', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const result = await runProcess('sleep', ['30'], { signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('ends a process that exceeds its timeout', async () => {
    const result = await runProcess('sleep', ['30'], { timeoutMs: 100 });
    expect(result.timedOut).toBe(true);
  });

  it('passes arguments as an array, never through a shell', async () => {
    const result = await runProcess('echo', ['$(id)', ';', 'rm -rf /']);
    expect(result.stdout.trim()).toBe('$(id) ; rm -rf /');
  });

  it('a child whose parent is no longer the one that started it ends before running the binary (no orphan)', () => {
    const orphan = spawnSync('/bin/sh', ['-c', PARENT_CHECK, 'sh', '1', '/bin/echo', 'ran'], { encoding: 'utf8' });
    expect(orphan.status).toBe(129);
    expect(orphan.stdout).toBe('');
    const child = spawnSync('/bin/sh', ['-c', PARENT_CHECK, 'sh', String(process.pid), '/bin/echo', 'ran', '$(id)'], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('ran $(id)\n');
  });

  it('runs a binary with its arguments through the parent check, same pid', async () => {
    const result = await runProcess('/bin/echo', ['a b', '"c"']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('a b "c"\n');
  });
});
