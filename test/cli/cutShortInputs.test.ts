import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const CLIP = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4'];

/** Matroska, WebM, AVI and AIFF files made by ffmpeg, then cut with a byte slice as an interrupted download leaves them (`npx electron-vite build` first). */
describe('convertr says a video or sound file is cut short whatever its container, instead of blaming its own output', () => {
  let dir: string;
  let home: string;
  const files: Record<string, { whole: string; cut: string; share: RegExp }> = {};

  const made = (name: string, args: string[], keep: number, share: RegExp) => {
    const whole = path.join(dir, `whole-${name}`);
    makeMedia([...args, whole]);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, `cut-${name}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
    files[name] = { whole, cut, share };
  };

  beforeAll(() => {
    dir = tempDir('convertr-cli-cut-short-');
    home = tempDir('convertr-cli-cut-short-home-');
    made('clip.mkv', [...CLIP, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'], 0.5, /only (49|50) % of its data is there/);
    made('clip.webm', [...CLIP, '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-c:a', 'libopus'], 0.6, /only (59|60) % of its data is there/);
    made('clip.avi', [...CLIP, '-c:v', 'mpeg4', '-c:a', 'libmp3lame'], 0.5, /only (49|50) % of its data is there/);
    made('sound.aiff', ['-f', 'lavfi', '-i', 'sine=duration=4'], 0.5, /only (49|50) % of its data is there/);
  }, 120_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  const convert = (inputs: string[], target: string) => runBuiltCli(['convert', ...inputs, '--to', target, '--out', path.join(dir, `out-${target}`), '--json'], { CONVERTR_HOME: home });

  for (const target of ['mp4', 'mp3']) {
    it(`cut MKV, WebM, AVI${target === 'mp3' ? ' and AIFF' : ''} files to ${target.toUpperCase()} are refused as cut short, with the share of their data that is there`, async () => {
      const names = Object.keys(files).filter((name) => target === 'mp3' || !name.endsWith('.aiff'));
      const run = await convert(names.map((name) => files[name]!.cut), target);
      const lines = jsonLines(run.stdout);
      expect(lines, run.stdout + run.stderr).toHaveLength(names.length);
      for (const name of names) {
        const line = lines.find((candidate) => candidate['input'] === files[name]!.cut);
        expect(line, name).toMatchObject({
          status: 'failed',
          error: { code: 'INPUT_CORRUPT', message: expect.stringMatching(/^This file is cut short: .* Copy it again from where it came from\.$/) },
        });
        expect((line!['error'] as { message: string }).message, name).toMatch(files[name]!.share);
      }
    }, 180_000);
  }

  it('the same files whole still convert, to MP4 and to MP3', async () => {
    for (const target of ['mp4', 'mp3']) {
      const names = Object.keys(files).filter((name) => target === 'mp3' || !name.endsWith('.aiff'));
      const run = await convert(names.map((name) => files[name]!.whole), target);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(jsonLines(run.stdout).map((line) => line['status'])).toEqual(names.map(() => 'succeeded'));
    }
  }, 180_000);
});
