import { describe, expect, it } from 'vitest';
import { runProcess } from '../../native/ffmpeg/runProcess';

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
});
