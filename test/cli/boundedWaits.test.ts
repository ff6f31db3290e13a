import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, startBuiltCli, type CliRun } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

/** Runs the built command; past `limitMs` it is killed (the run then reports `killed`), so a hang fails instead of stalling. */
function runBounded(args: string[], env: NodeJS.ProcessEnv, limitMs: number) {
  const run = startBuiltCli(args, env);
  let stdout = '';
  let stderr = '';
  run.child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    run.child.kill('SIGKILL');
  }, limitMs);
  const done = run.done.then((result: CliRun) => {
    clearTimeout(timer);
    return { ...result, killed };
  });
  return { child: run.child, done, output: () => ({ stdout, stderr }) };
}

/** Sends SIGTERM and measures how long the process takes to end. */
async function stopAndTime(run: ReturnType<typeof runBounded>): Promise<{ ms: number; result: CliRun & { killed: boolean } }> {
  const sent = performance.now();
  run.child.kill('SIGTERM');
  const result = await run.done;
  return { ms: performance.now() - sent, result };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(path.join(dir, name)).isFile());
}

/** The process under `root` whose command line names `needle`: `script` runs the command through $SHELL, and /bin/sh (dash) does not exec it. */
function descendantRunning(root: number, needle: string): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n').map((line) => {
    const [pid, ppid, ...args] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), args: args.join(' ') };
  });
  const under = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (under.has(row.ppid) && !under.has(row.pid)) { under.add(row.pid); grew = true; }
  }
  const found = rows.find((row) => under.has(row.pid) && row.pid !== root && row.args.includes(needle) && !/^(\S*\/)?(sh|bash|dash) /.test(row.args));
  if (!found) throw new Error(`no process under ${root} runs ${needle}`);
  return found.pid;
}

describe('every wait is bounded, every signal is heard (built command)', () => {
  let dir: string;
  let picture: string;

  beforeAll(async () => {
    dir = tempDir('convertr-waits-');
    picture = path.join(dir, 'x.png');
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#c04020' } }).png().toFile(picture);
  });
  afterAll(() => removeDir(dir));

  it('an output folder that cannot be made (/proc/nope) fails quickly with OUTPUT_UNWRITABLE naming it, and resume does not hang', async () => {
    const env = { CONVERTR_HOME: path.join(dir, 'home-proc') };
    const started = performance.now();
    const run = await runBounded(['convert', picture, '--to', 'jpg', '--out', '/proc/nope', '--verbose'], env, 20_000).done;
    const ms = performance.now() - started;
    expect(run.killed, 'the command hung until killed').toBe(false);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/The output folder \/proc\/nope cannot be created\. Pick an output folder you can write to\.\n.*\[OUTPUT_UNWRITABLE\]/);
    expect(ms).toBeLessThan(10_000);

    const resume = await runBounded(['resume'], env, 20_000).done;
    expect(resume.killed, 'resume hung until killed').toBe(false);
    expect(resume.stderr).toMatch(/No interrupted batches/);
  }, 60_000);

  it('SIGTERM while it tries /proc/nope ends the command within 2 s', async () => {
    const env = { CONVERTR_HOME: path.join(dir, 'home-proc-term') };
    const run = runBounded(['convert', picture, '--to', 'jpg', '--out', '/proc/nope'], env, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { ms, result } = await stopAndTime(run);
    expect(result.killed, 'SIGTERM was ignored until the process was killed').toBe(false);
    expect(ms).toBeLessThan(2000);
  }, 60_000);

  for (const [command, ready] of [['serve', /serving on/], ['watch', /Press Ctrl-C to stop/]] as const) {
    it(`${command} ends within 2 s of SIGTERM`, async () => {
      const watched = path.join(dir, `watched-${command}`);
      mkdirSync(watched, { recursive: true });
      const args = command === 'serve' ? ['serve', '--port', '0'] : ['watch', watched, '--to', 'png'];
      const run = runBounded(args, { CONVERTR_HOME: path.join(dir, `home-${command}`) }, 60_000);
      await waitFor(() => ready.test(run.output().stdout + run.output().stderr), `${command} to start`, 30_000, 20);
      const { ms, result } = await stopAndTime(run);
      expect(result.killed).toBe(false);
      expect(ms).toBeLessThan(2000);
    }, 90_000);
  }

  it("register's password prompt (on a terminal) ends within 2 s of SIGTERM, cancelled, sending nothing", async () => {
    // `script` gives the command a terminal, as a user's shell does.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BUILT_CLI)} register --name Prompted --email prompt@example.com --api-url http://127.0.0.1:9`;
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, SHELL: '/bin/sh', CONVERTR_HOME: path.join(dir, 'home-register') }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    terminal.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const closed = new Promise<void>((resolve) => terminal.on('close', () => resolve()));
    try {
      await waitFor(() => output.includes('Password:'), 'the prompt', 30_000, 20);
      const pid = descendantRunning(terminal.pid!, BUILT_CLI);
      const sent = performance.now();
      process.kill(pid, 'SIGTERM');
      await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 'the command to end', 10_000, 20);
      expect(performance.now() - sent).toBeLessThan(2000);
      await closed;
      expect(output).toMatch(/Cancelled\. \[CANCELLED\]/);
    } finally {
      terminal.kill('SIGKILL');
    }
  }, 60_000);

  describe('a real batch stopped with SIGTERM at several points', () => {
    let pictures: string;
    let videos: string;

    beforeAll(async () => {
      // Many small pictures: listing takes a moment, and a commit happens every few milliseconds.
      pictures = path.join(dir, 'pictures');
      mkdirSync(pictures);
      for (let i = 0; i < 1500; i++) {
        await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: i % 256, g: 80, b: 160 } } }).png().toFile(path.join(pictures, `p${String(i).padStart(4, '0')}.png`));
      }
      // Videos that take seconds each to encode (4:4:4 to 4:2:0 H.264).
      videos = path.join(dir, 'videos');
      mkdirSync(videos);
      for (const name of ['a', 'b', 'c']) {
        makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-t', '30', '-pix_fmt', 'yuv444p', '-c:v', 'libx264', '-preset', 'ultrafast', path.join(videos, `${name}.mkv`)]);
      }
    }, 180_000);

    /** A partial output is being written: the batch is mid-encode, however fast this machine is. */
    const encodingBegan = (out: string) => waitFor(() => filesUnder(out).some((name) => name.includes('.convertr-part')), 'a partial output', 60_000, 10);
    type Output = () => { stdout: string; stderr: string };
    const points: { name: string; folder: () => string; target: string; when: (out: Output) => Promise<void> }[] = [
      { name: 'while starting and listing', folder: () => pictures, target: 'jpg', when: () => new Promise((resolve) => setTimeout(resolve, 150)) },
      { name: 'while pictures are committed one after another', folder: () => pictures, target: 'jpg', when: (out) => waitFor(() => (out().stdout.match(/✔/g) ?? []).length >= 20, 'the first outputs', 60_000, 5) },
      { name: 'while videos convert', folder: () => videos, target: 'mp4', when: () => encodingBegan(path.join(dir, 'out-2')) },
    ];

    for (const [index, point] of points.entries()) {
      it(`${point.name}: ends within 2 s, and the same command then leaves exactly one output per input`, async () => {
        const home = path.join(dir, `home-${index}`);
        const out = path.join(dir, `out-${index}`);
        const args = ['convert', point.folder(), '--to', point.target, '--out', out];
        const first = runBounded(args, { CONVERTR_HOME: home }, 120_000);
        await point.when(first.output);
        const { ms, result } = await stopAndTime(first);
        expect(result.killed, 'SIGTERM was ignored until the process was killed').toBe(false);
        expect(ms, `stopped ${point.name}`).toBeLessThan(2000);

        const again = await runBounded(args, { CONVERTR_HOME: home }, 300_000).done;
        expect(again.killed).toBe(false);
        expect(again.code, again.stderr).toBe(0);
        const expected = readdirSync(point.folder()).map((name) => name.replace(/\.[^.]+$/, `.${point.target}`)).sort();
        expect(filesUnder(out).sort()).toEqual(expected);
        expect(filesUnder(path.join(home, 'scratch'))).toEqual([]);
      }, 420_000);
    }

    it('convertr resume names an interrupted batch\'s files; resume --discard leaves nothing to resume and no partial files', async () => {
      const home = path.join(dir, 'home-discard');
      const out = path.join(dir, 'out-discard');
      const first = runBounded(['convert', videos, '--to', 'mp4', '--out', out], { CONVERTR_HOME: home }, 120_000);
      await encodingBegan(out);
      await stopAndTime(first);

      const discard = await runBounded(['resume', '--discard'], { CONVERTR_HOME: home }, 60_000).done;
      expect(discard.code, discard.stderr).toBe(0);
      for (const name of ['a.mkv', 'b.mkv', 'c.mkv']) expect(discard.stderr).toContain(path.join(videos, name));
      expect(discard.stderr).toMatch(/Discarded 1 batch/);

      const resume = await runBounded(['resume'], { CONVERTR_HOME: home }, 60_000).done;
      expect(resume.stderr).toMatch(/No interrupted batches/);
      expect(filesUnder(out).filter((name) => name.includes('.convertr-part'))).toEqual([]);
      expect(filesUnder(path.join(home, 'scratch'))).toEqual([]);
    }, 300_000);
  });
});
