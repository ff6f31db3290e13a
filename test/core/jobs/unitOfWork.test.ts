import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileConverter } from '../../../main/core/engine/run/fileConverter';
import type { ConversionRequest, ConversionResult } from '../../../main/core/engine/run/localConverter';
import { convertingOnce } from '../../../main/core/jobs/unitOfWork';
import { openDatabase } from '../../../native/sqlite/openDatabase';
import { SqliteUnitStore } from '../../../native/sqlite/sqliteUnitStore';
import { removeDir, tempDir } from '../../helpers/media';

/** A converter that writes the output when told to: the test decides when a conversion ends. */
function controlledConverter(): FileConverter & { calls: number; finish(): void } {
  let release: () => void = () => {};
  const state = {
    calls: 0,
    finish: () => release(),
    async convert(request: ConversionRequest): Promise<ConversionResult> {
      state.calls++;
      await new Promise<void>((resolve) => (release = resolve));
      const outputPath = path.join(request.outputDir!, `${path.basename(request.inputPath, '.png')}.webp`);
      writeFileSync(outputPath, 'webp bytes');
      return { inputPath: request.inputPath, outputPath, inputFormat: 'png', target: 'webp', pair: 'PNG->WEBP', kind: 'image', strategy: 'image', notes: [], inputBytes: 3, outputBytes: 10, runtimeMs: 5 };
    },
  };
  return state;
}

describe('units of work across processes (two connections to one SQLite file)', () => {
  let dir: string;
  let input: string;
  let request: ConversionRequest;
  let dbs: ReturnType<typeof openDatabase>[];
  beforeEach(() => {
    dir = tempDir('convertr-units-');
    input = path.join(dir, 'a.png');
    writeFileSync(input, 'png');
    request = { inputPath: input, target: 'webp', outputDir: dir };
    dbs = [openDatabase(path.join(dir, 'home')), openDatabase(path.join(dir, 'home'))];
  });
  afterEach(() => {
    dbs.forEach((db) => db.close());
    removeDir(dir);
  });

  const processOf = (i: number, pid: number, alive: (pid: number) => boolean, origin: string) => ({
    units: new SqliteUnitStore(dbs[i]!), owner: { pid, isProcessAlive: alive, now: Date.now }, leaseExpiry: () => Date.now() + 30_000, origin, pollMs: 20,
  });

  it('a job meeting a unit another live process converts waits for it, says who converts it, and reports its output without converting', async () => {
    const a = controlledConverter();
    const b = controlledConverter();
    const waitingFor: number[] = [];
    const first = convertingOnce(a, processOf(0, 100, () => true, 'cli')).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = convertingOnce(b, { ...processOf(1, 200, () => true, 'window'), onWaiting: (_r, pid) => waitingFor.push(pid) }).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waitingFor).toEqual([100]);
    a.finish();
    const [made, reported] = await Promise.all([first, second]);
    expect(b.calls).toBe(0);
    expect(reported).toMatchObject({ outputPath: made.outputPath, skippedBecause: expect.stringMatching(/converted by convertr, process 100/) });
  });

  it('a unit whose holder died is taken over; one a job of the same front end did earlier is converted again when asked', async () => {
    const a = controlledConverter();
    void convertingOnce(a, processOf(0, 100, () => true, 'cli')).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Process 100 is killed (-9) while converting: its unit is free for the next one.
    const b = controlledConverter();
    const taken = convertingOnce(b, processOf(1, 200, (pid) => pid !== 100, 'cli')).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.calls).toBe(1);
    b.finish();
    expect((await taken).skippedBecause).toBeUndefined();

    const again = controlledConverter();
    const explicit = convertingOnce(again, processOf(0, 300, () => true, 'cli')).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(again.calls).toBe(1);
    again.finish();
    await explicit;
    const window = controlledConverter();
    expect((await convertingOnce(window, processOf(1, 400, () => true, 'window')).convert(request)).skippedBecause).toMatch(/not converted again/);
    expect(window.calls).toBe(0);
  });
});
