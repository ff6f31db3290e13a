import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

// This machine has no network, so Electron's binary cannot be downloaded: `npm start` must say so briefly and
// fall back to the CLI. (Where a network exists, the same script launches the window.)
describe('npm start where Electron cannot be downloaded', () => {
  // --no-build: other test files read out/ at the same time; test.sh builds it before the suite.
  const run = spawnSync(process.execPath, ['scripts/start.mjs', '--no-build'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });

  it('explains in one short paragraph why the window cannot start, without a stack trace', () => {
    expect(run.stderr).toMatch(/The Convertr window cannot start here/);
    expect(run.stderr).toMatch(/details: \S+start\.log/);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout + run.stderr).not.toMatch(/TypeError|fetch failed|Downloading Electron/);
  });

  it('then shows the built command-line help, and exits non-zero', () => {
    expect(run.stdout).toMatch(/Usage: convertr <command>/);
    expect(run.status).toBe(1);
  });
});
