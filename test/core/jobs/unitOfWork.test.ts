import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileConverter } from '../../../main/core/engine/run/fileConverter';
import type { ConversionRequest, ConversionResult } from '../../../main/core/engine/run/localConverter';
import { convertingOnce, takeUnitsAtClaim } from '../../../main/core/jobs/unitOfWork';
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

describe('units taken with the claim, and done with the commit', () => {
  let dir: string;
  let dbs: ReturnType<typeof openDatabase>[];
  const requestFor = (name: string): ConversionRequest => {
    const inputPath = path.join(dir, name);
    writeFileSync(inputPath, name);
    return { inputPath, target: 'webp', outputDir: dir };
  };
  beforeEach(() => {
    dir = tempDir('convertr-units-claim-');
    dbs = [openDatabase(path.join(dir, 'home')), openDatabase(path.join(dir, 'home'))];
  });
  afterEach(() => {
    dbs.forEach((db) => db.close());
    removeDir(dir);
  });
  const owner = (pid: number) => ({ pid, isProcessAlive: () => true, now: Date.now });
  const dbsUnits = (i: number) => new SqliteUnitStore(dbs[i]!);
  const depsOf = (i: number, pid: number, origin: string) => ({ units: new SqliteUnitStore(dbs[i]!), owner: owner(pid), leaseExpiry: () => Date.now() + 30_000, origin, pollMs: 20 });

  it('a batch claims its units before its jobs run: another front end asking for one of its files waits and reports its output', async () => {
    const requests = ['a.png', 'b.png', 'c.png'].map(requestFor);
    const cli = depsOf(0, 100, 'cli');
    const taken = takeUnitsAtClaim(cli.units, requests.map((r) => ({ ...r, origin: 'cli' })), cli);
    expect(taken.every((unit) => unit !== undefined)).toBe(true);
    // The window asks for c.png while the command line has not started it yet.
    const window = controlledConverter();
    const waitingFor: number[] = [];
    const asked = convertingOnce(window, { ...depsOf(1, 200, 'window'), onWaiting: (_r, pid) => waitingFor.push(pid) }).convert(requests[2]!);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(window.calls).toBe(0);
    expect(waitingFor).toEqual([100]);
    const converter = controlledConverter();
    const made = convertingOnce(converter, { ...cli, atClaim: taken[2] }).convert(requests[2]!);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(converter.calls).toBe(1);
    converter.finish();
    expect((await asked).skippedBecause).toMatch(/converted by convertr, process 100/);
    expect((await asked).outputPath).toBe((await made).outputPath);
    expect(window.calls).toBe(0);
  });

  it('a batch taking over the units of a process that died asks whether it lives once, not once per file', () => {
    const requests = ['a.png', 'b.png', 'c.png'].map(requestFor);
    takeUnitsAtClaim(dbsUnits(0), requests.map((r) => ({ ...r, origin: 'cli' })), depsOf(0, 100, 'cli'));
    const asked: number[] = [];
    const next = { ...depsOf(1, 200, 'cli'), owner: { pid: 200, isProcessAlive: (pid: number) => (asked.push(pid), false), now: Date.now } };
    const taken = takeUnitsAtClaim(next.units, requests.map((r) => ({ ...r, origin: 'cli' })), next);
    expect(taken.every((unit) => unit !== undefined)).toBe(true);
    expect(asked).toEqual([100]);
  });

  it('two windows drop the same file: the one whose claim found the other converting it reports that output, even when it ends first', async () => {
    const request = requestFor('a.png');
    const first = depsOf(0, 100, 'window');
    const [mine] = takeUnitsAtClaim(first.units, [{ ...request, origin: 'window' }], first);
    const second = depsOf(1, 200, 'window');
    const [seen] = takeUnitsAtClaim(second.units, [{ ...request, origin: 'window' }], second);
    expect(seen).toMatchObject({ heldBy: mine!.token });
    const converter = controlledConverter();
    const made = convertingOnce(converter, { ...first, atClaim: mine }).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 10));
    converter.finish();
    await made;
    // The second window's job starts only now, after the first one's output is in place.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = controlledConverter();
    const reported = await convertingOnce(late, { ...second, since: Date.now(), atClaim: seen }).convert(request);
    expect(late.calls).toBe(0);
    expect(reported).toMatchObject({ outputPath: (await made).outputPath, skippedBecause: expect.stringMatching(/process 100/) });
  });

  it('a unit taken with a claim whose job never runs is free again once released', async () => {
    const [request] = [requestFor('a.png')];
    const cli = depsOf(0, 100, 'cli');
    const [unit] = takeUnitsAtClaim(cli.units, [{ ...request!, origin: 'cli' }], cli);
    cli.units.release(unit!.key, unit!.token!);
    const window = controlledConverter();
    const converting = convertingOnce(window, depsOf(1, 200, 'window')).convert(request!);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(window.calls).toBe(1);
    window.finish();
    expect((await converting).skippedBecause).toBeUndefined();
  });

  it('a unit marked done as its job commits, its output not yet in place: another process waits for it, never converting it again', async () => {
    const request = requestFor('a.png');
    let moved: () => void = () => {};
    let commits = 0;
    // The first process records its commit (the unit is done with it), then takes a moment to move the output into place.
    const slowMove: FileConverter = {
      async convert(r, _signal, _progress, hooks): Promise<ConversionResult> {
        const outputPath = path.join(r.outputDir!, 'a.webp');
        const result: ConversionResult = { inputPath: r.inputPath, outputPath, inputFormat: 'png', target: 'webp', pair: 'PNG->WEBP', kind: 'image', strategy: 'image', notes: [], inputBytes: 5, outputBytes: 10, runtimeMs: 5 };
        await hooks?.onCommit?.(result, `${outputPath}.part`);
        await new Promise<void>((resolve) => (moved = resolve));
        writeFileSync(outputPath, 'webp bytes');
        return result;
      },
    };
    const first = convertingOnce(slowMove, depsOf(0, 100, 'cli')).convert(request, undefined, undefined, {
      // The job's commit record, written with the unit's "done" in one transaction.
      onCommit: (_result, _temporary, alongside) => {
        commits++;
        alongside?.();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(commits).toBe(1);
    const window = controlledConverter();
    const second = convertingOnce(window, depsOf(1, 200, 'window')).convert(request);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(window.calls).toBe(0);
    moved();
    await first;
    expect((await second).skippedBecause).toMatch(/converted by convertr, process 100/);
    expect(window.calls).toBe(0);
  });
});
