import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, startBuiltCli } from '../helpers/cli';
import { ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

async function waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Output names as a terminal user meets them, through the installed command (bin/convertr.js, the build in out/). */
describe('convertr output names: --name templates and same-format outputs', () => {
  let dir: string;
  let home: string;
  let clip: string;
  let wav: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-names-');
    home = tempDir('convertr-cli-names-home-');
    clip = path.join(dir, 'long1080.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
    wav = path.join(dir, 'talk.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=2', wav]);
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('a same-format output beside its input is "name-converted", not "name (1)"; a true collision still gets "(1)"', async () => {
    const before = statSync(clip).size;
    const run = await cli('convert', clip, '--to', 'mp4', '--resize', '320', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'long1080-converted.mp4'))).toBe(true);
    expect(existsSync(path.join(dir, 'long1080 (1).mp4'))).toBe(false);
    expect(statSync(clip).size, 'the input is never overwritten').toBe(before);
    expect(ffprobe(path.join(dir, 'long1080-converted.mp4')).streams[0]!.width).toBe(320);

    const again = await cli('convert', clip, '--to', 'mp4', '--resize', '320', '--again', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'long1080-converted (1).mp4'))).toBe(true);
  }, 60_000);

  it('--name "{name}-{preset}" names the output from the preset; {quality} and {ext} fill in too', async () => {
    const out = path.join(dir, 'named');
    const run = await cli('convert', wav, '--preset', 'podcast-mp3', '--name', '{name}-{preset}', '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const plain = await cli('convert', wav, '--to', 'flac', '--name', 'sound of {name} ({quality}, {ext})', '--out', out, '--json');
    expect(plain.code, plain.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['sound of talk (balanced, flac).flac', 'talk-podcast-mp3.mp3']);
  }, 60_000);

  it('refuses a template with a path separator, an unknown placeholder or no name, as a usage error', async () => {
    for (const [template, words] of [['../{name}', /not a folder/], ['{nam}-x', /not \{nam\}/], ['  ', /must leave a name/], ['', /must leave a name/]] as const) {
      const run = await cli('convert', wav, '--to', 'mp3', '--name', template, '--out', path.join(dir, 'never'));
      expect(run.code, template).toBe(2);
      expect(run.stderr.split('\n')[0], template).toMatch(words);
    }
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  }, 60_000);

  it('watch --name names each arriving file by the template', async () => {
    const inbox = path.join(dir, 'inbox');
    mkdirSync(inbox);
    const run = startBuiltCli(['watch', inbox, '--to', 'mp3', '--name', '{name}-{target}', '--stable-for', '300ms'], { CONVERTR_HOME: home });
    let stderr = '';
    run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => stderr.includes('Press Ctrl-C to stop'), 'the watch to start', 30_000);
    copyFileSync(wav, path.join(inbox, 'memo.wav'));
    await waitFor(() => existsSync(path.join(inbox, 'converted', 'memo-mp3.mp3')), 'memo-mp3.mp3', 30_000);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  }, 60_000);
});
