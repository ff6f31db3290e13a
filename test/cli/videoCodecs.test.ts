import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { corpus, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../helpers/media';

/** `--speed` and `--codec` through the installed command (`npx electron-vite build` first). */
describe('convertr --speed thorough --codec h265', () => {
  let dir: string;
  let clip: string;

  beforeAll(() => {
    dir = tempDir('convertr-cli-codecs-');
    clip = path.join(dir, 'pan.mkv');
    // A real photo panned across for 1 s, H.264 as a phone writes it.
    makeMedia(['-loop', '1', '-framerate', '30', '-i', corpus('image/portrait_6.jpg'), '-t', '1',
      '-vf', "crop=320:180:x='100*t':y='300*t',format=yuv420p", '-c:v', 'libx264', '-preset', 'ultrafast', clip]);
  });
  afterAll(() => removeDir(dir));

  it('writes an H.265 MP4 tagged hvc1 from an H.264 clip', async () => {
    const run = await runBuiltCli(['convert', clip, '--to', 'mp4', '--speed', 'thorough', '--codec', 'h265', '--out', path.join(dir, 'out'), '--json'], { CONVERTR_HOME: path.join(dir, 'home') });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded', pair: 'MKV->MP4' });
    const stream = videoOf(ffprobe(String(line!['output']))) as ReturnType<typeof videoOf> & { codec_tag_string?: string };
    expect(stream).toMatchObject({ codec_name: 'hevc', width: 320, height: 180 });
    expect(stream?.codec_tag_string).toBe('hvc1');
  }, 240_000);
});
