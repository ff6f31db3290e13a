import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { ffprobe, makeMedia, removeDir, tempDir, type Probed } from '../helpers/media';

const pictureOf = (p: Probed) => p.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1);
/** Tags as a player reads them: the container's, or the sound stream's (Ogg keeps them there). */
const tagsOf = (p: Probed) => {
  const stream = (p.streams.find((s) => s.codec_type === 'audio') as { tags?: Record<string, string> } | undefined)?.tags ?? {};
  const all = { ...stream, ...(p.format.tags ?? {}) };
  return { title: all['title'] ?? all['TITLE'], artist: all['artist'] ?? all['ARTIST'] };
};

/** An MP3 with an attached picture and ID3 tags, as a music library holds them, through the built command. */
describe('cover art and tags', () => {
  let dir: string;
  let song: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = tempDir('convertr-cover-');
    env = { CONVERTR_HOME: path.join(dir, 'home') };
    const cover = path.join(dir, 'cover.png');
    makeMedia(['-f', 'lavfi', '-i', 'color=c=red:s=64x64:d=1', '-frames:v', '1', cover]);
    song = path.join(dir, 'song.mp3');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-i', cover, '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-b:a', '128k',
      '-c:v', 'copy', '-disposition:v', 'attached_pic', '-id3v2_version', '3', '-metadata', 'title=Night Song', '-metadata', 'artist=The Testers', song]);
    expect(pictureOf(ffprobe(song))).toBeDefined();
  });
  afterAll(() => removeDir(dir));

  it.each(['m4a', 'flac'])('keeps the picture and the tags in %s', async (target) => {
    const run = await runBuiltCli(['convert', song, '--to', target, '--out', path.join(dir, target), '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const out = ffprobe(path.join(dir, target, `song.${target}`));
    expect(pictureOf(out)).toBeDefined();
    expect(tagsOf(out)).toEqual({ title: 'Night Song', artist: 'The Testers' });
  });

  it('keeps them from M4A back to MP3', async () => {
    const m4a = path.join(dir, 'back', 'song.m4a');
    mkdirSync(path.dirname(m4a));
    makeMedia(['-i', song, '-map', '0', '-c:a', 'aac', '-c:v', 'copy', '-disposition:v', 'attached_pic', m4a]);
    const run = await runBuiltCli(['convert', m4a, '--to', 'mp3', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const out = ffprobe(path.join(dir, 'back', 'song.mp3'));
    expect(pictureOf(out)).toBeDefined();
    expect(tagsOf(out)).toEqual({ title: 'Night Song', artist: 'The Testers' });
  });

  it.each(['ogg', 'opus', 'wav'])('keeps the tags in %s and says the picture could not be carried', async (target) => {
    const run = await runBuiltCli(['convert', song, '--to', target, '--out', path.join(dir, target)], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`note: The cover art was left out: ${target.toUpperCase()} files`));
    const out = ffprobe(path.join(dir, target, `song.${target}`));
    expect(pictureOf(out)).toBeUndefined();
    if (target !== 'wav') expect(tagsOf(out)).toEqual({ title: 'Night Song', artist: 'The Testers' });
  });

  it('drops picture and tags without a note when asked to strip metadata', async () => {
    const run = await runBuiltCli(['convert', song, '--to', 'm4a', '--strip-metadata', '--out', path.join(dir, 'stripped'), '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'succeeded' });
    const out = ffprobe(path.join(dir, 'stripped', 'song.m4a'));
    expect(pictureOf(out)).toBeUndefined();
    expect(tagsOf(out).title).toBeUndefined();
  });
});
