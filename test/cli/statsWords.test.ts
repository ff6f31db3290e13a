import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

describe('convertr stats in words for people (a local-only user)', () => {
  let dir: string;
  let home: string;
  /** What the job took on this machine: under a loaded CI it may pass a second, and then it is shown in seconds. */
  let runtimeMs = 0;
  const env = () => ({ CONVERTR_HOME: home });

  beforeAll(async () => {
    dir = tempDir('convertr-stats-words-');
    home = tempDir('convertr-home-');
    const wav = path.join(dir, 'beep.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.3', wav]);
    writeFileSync(path.join(dir, 'notes.xyz'), 'not a sound');
    const converted = await runCli(['convert', wav, path.join(dir, 'notes.xyz'), '--to', 'mp3', '--out', path.join(dir, 'out'), '--json'], env());
    expect(converted.stdout).toContain('"status":"succeeded"');
    const wavLine = jsonLines(converted.stdout).find((line) => String(line['input']).endsWith('beep.wav'))!;
    runtimeMs = Number(wavLine['runtimeMs']);
  }, 120_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('shows a sub-second runtime in ms, time spent apart from billable minutes, no cohorts or budget, and no UNKNOWN pair', async () => {
    const { code, stdout } = await runCli(['stats'], env());
    expect(code).toBe(0);
    const wavRow = stdout.split('\n').find((line) => line.startsWith('WAV->MP3'))!;
    const shown = runtimeMs < 1000 ? String.raw`\d{1,3} ms` : String.raw`\d+(\.\d)? s`;
    expect(wavRow).toMatch(new RegExp(String.raw`\b${shown}\b`));
    expect(stdout).not.toContain('0m 0s');
    expect(stdout).toMatch(new RegExp(String.raw`^Time spent converting: ${shown} \(successful jobs, paused time left out\)$`, 'm'));
    expect(stdout).toMatch(/^Billable minutes: 1 \(the hosted plan's count/m);
    expect(stdout).not.toMatch(/Conversion minutes|Cohorts|hybrid budget|Hosted cost/);
    expect(stdout).toMatch(/^XYZ->MP3 /m);
    expect(stdout).not.toContain('UNKNOWN');
  }, 60_000);
});
