import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const CLIP = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4'];

interface Made {
  whole: string;
  cut: string;
  share: RegExp;
}

/** Matroska, WebM, AVI, AIFF and MP3 files made by ffmpeg, then cut with a byte slice as an interrupted download leaves them (`npx electron-vite build` first). */
describe('convertr says a video or sound file is cut short whatever its container, instead of blaming its own output', () => {
  let dir: string;
  let home: string;
  const videos: Record<string, Made> = {};
  const sounds: Record<string, Made> = {};

  const made = (into: Record<string, Made>, name: string, args: string[], keep: number) => {
    const whole = path.join(dir, `whole-${name}`);
    makeMedia([...args, whole]);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, `cut-${name}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
    const percent = Math.round(keep * 100);
    into[name] = { whole, cut, share: new RegExp(`only (${percent - 1}|${percent}) % of its data is there`) };
  };

  beforeAll(() => {
    dir = tempDir('convertr-cli-cut-short-');
    home = tempDir('convertr-cli-cut-short-home-');
    made(videos, 'clip.mkv', [...CLIP, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'], 0.5);
    made(videos, 'clip.webm', [...CLIP, '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-c:a', 'libopus'], 0.6);
    made(videos, 'clip.avi', [...CLIP, '-c:v', 'mpeg4', '-c:a', 'libmp3lame'], 0.5);
    made(sounds, 'sound.aiff', ['-f', 'lavfi', '-i', 'sine=duration=4'], 0.5);
    made(sounds, 'sound.mp3', ['-f', 'lavfi', '-i', 'sine=duration=4'], 0.4);
  }, 120_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  const convert = (inputs: string[], target: string) => runBuiltCli(['convert', ...inputs, '--to', target, '--out', path.join(dir, `out-${target}`), '--json'], { CONVERTR_HOME: home });

  const refused = async (files: Record<string, Made>, target: string) => {
    const run = await convert(Object.values(files).map((file) => file.cut), target);
    const lines = jsonLines(run.stdout);
    expect(lines, run.stdout + run.stderr).toHaveLength(Object.keys(files).length);
    for (const [name, file] of Object.entries(files)) {
      const line = lines.find((candidate) => candidate['input'] === file.cut);
      expect(line, `${name} to ${target}`).toMatchObject({
        status: 'failed',
        error: { code: 'INPUT_CORRUPT', message: expect.stringMatching(/^This file is cut short: .* Copy it again from where it came from\.$/) },
      });
      expect((line!['error'] as { message: string }).message, `${name} to ${target}`).toMatch(file.share);
    }
  };

  it('cut MKV, WebM and AVI files to MP4 and to MP3 are refused as cut short, with the share of their data that is there', async () => {
    await refused(videos, 'mp4');
    await refused(videos, 'mp3');
  }, 180_000);

  it('cut AIFF and MP3 files to M4A are refused as cut short, with the share of their data that is there', async () => {
    await refused(sounds, 'm4a');
  }, 120_000);

  it('a WAV and a live WebM recording (no Segment size) cut short convert what is there, with a note that says so', async () => {
    made(sounds, 'take.wav', ['-f', 'lavfi', '-i', 'sine=duration=4'], 0.5);
    // Written to a pipe, as a browser or a streaming recorder writes it: no Segment size, no index.
    const live = path.join(dir, 'whole-live.webm');
    writeFileSync(live, execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...CLIP, '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-c:a', 'libopus', '-f', 'webm', '-'], { maxBuffer: 64 * 1024 * 1024 }));
    const liveCut = path.join(dir, 'cut-live.webm');
    writeFileSync(liveCut, readFileSync(live).subarray(0, Math.floor(readFileSync(live).length * 0.6)));
    const cutRun = await runBuiltCli(['convert', sounds['take.wav']!.cut, liveCut, '--to', 'mp3', '--out', path.join(dir, 'out-partial')], { CONVERTR_HOME: home });
    expect(cutRun.code, cutRun.stdout + cutRun.stderr).toBe(0);
    expect(cutRun.stdout).toMatch(/cut-take\.wav[^\n]*\n\s*note: This file is cut short: only (49|50) % of its data is there \(a recording or a copy that was interrupted\); the part that is there was converted\./);
    expect(cutRun.stdout).toMatch(/cut-live\.webm[^\n]*\n\s*note: This file is cut short: its end is missing/);
    // Whole, the live recording and a WAV written to a pipe (sizes never filled in) are not called cut short.
    const pipedWav = path.join(dir, 'whole-piped.wav');
    writeFileSync(pipedWav, execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=duration=4', '-f', 'wav', '-']));
    const wholeRun = await runBuiltCli(['convert', live, pipedWav, sounds['take.wav']!.whole, '--to', 'mp3', '--out', path.join(dir, 'out-whole')], { CONVERTR_HOME: home });
    expect(wholeRun.code, wholeRun.stdout + wholeRun.stderr).toBe(0);
    expect(wholeRun.stdout.match(/^✔ /gm)).toHaveLength(3);
    expect(wholeRun.stdout).not.toMatch(/cut short/);
    delete sounds['take.wav'];
  }, 120_000);

  it('the same files whole still convert', async () => {
    for (const [files, target] of [[videos, 'mp4'], [videos, 'mp3'], [sounds, 'm4a']] as const) {
      const run = await convert(Object.values(files).map((file) => file.whole), target);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(jsonLines(run.stdout).map((line) => line['status']), target).toEqual(Object.keys(files).map(() => 'succeeded'));
    }
  }, 180_000);
});
