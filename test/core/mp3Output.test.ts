import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp3FrameHeader, readMp3Frames, readMp3Output } from '../../main/core/engine/plan/mp3Output';
import { parseFfprobeJson } from '../../main/core/engine/identify/probeParse';
import { audiosOf, durationOf, ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

function withoutId3v2(bytes: Buffer): Buffer {
  return bytes.subarray(10 + (((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f)));
}

/** The in-process MP3 check against ffprobe on real encoder output, and against damaged files ffprobe would pass. */
describe('reading an MP3 output without ffprobe', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(() => {
    dir = tempDir('convertr-mp3-');
    const tone = (name: string, args: string[]) => {
      files[name] = path.join(dir, `${name}.mp3`);
      makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=7.3:sample_rate=48000', ...args, '-id3v2_version', '3', '-f', 'mp3', files[name]!]);
    };
    tone('stereo48k', ['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k']);
    tone('mono44k', ['-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-metadata', 'title=Tone']);
    tone('vbr22k', ['-ac', '2', '-ar', '22050', '-c:a', 'libmp3lame', '-q:a', '4']);
    tone('id3v1', ['-ac', '1', '-c:a', 'libmp3lame', '-b:a', '96k', '-write_id3v1', '1', '-metadata', 'artist=Someone']);
    tone('mpeg25', ['-ac', '1', '-ar', '8000', '-c:a', 'libmp3lame', '-b:a', '16k']);
  });
  afterAll(() => removeDir(dir));

  it('says what ffprobe says of whole files: container, one audio stream, channels, sample rate, duration', async () => {
    for (const [name, file] of Object.entries(files)) {
      const mine = await readMp3Output(file);
      expect(mine, name).toBeDefined();
      const theirs = ffprobe(file);
      const parsed = parseFfprobeJson(theirs);
      const stream = audiosOf(theirs)[0]!;
      expect(mine!.container, name).toBe(parsed.container);
      expect(mine!.audio.map((a) => [a.codec, a.channels, a.sampleRate]), name).toEqual([[stream.codec_name, stream.channels, Number(stream.sample_rate)]]);
      expect(mine!.video, name).toEqual([]);
      expect(Math.abs(mine!.durationSeconds! - durationOf(theirs)), name).toBeLessThan(0.06);
    }
  });

  it('refuses to vouch for a truncated file, trailing garbage, a damaged frame header or no audio at all', () => {
    const whole = readFileSync(files['stereo48k']!);
    expect(readMp3Frames(whole)).toBeDefined();
    expect(readMp3Frames(whole.subarray(0, whole.length - 100))).toBeUndefined();
    expect(readMp3Frames(Buffer.concat([whole, Buffer.from('not audio at all')]))).toBeUndefined();
    const damaged = Buffer.from(whole);
    const middle = damaged.indexOf(Buffer.from([0xff, 0xfb]), Math.floor(damaged.length / 2));
    damaged[middle + 2] = 0xf0;
    expect(readMp3Frames(damaged)).toBeUndefined();
    expect(readMp3Frames(whole.subarray(0, whole.length - withoutId3v2(whole).length))).toBeUndefined();
    expect(readMp3Frames(new Uint8Array(0))).toBeUndefined();
  });

  it('leaves to ffprobe a file whose frames number other than its Xing/Info tag says (frames cut off at a frame boundary)', () => {
    const whole = readFileSync(files['stereo48k']!);
    const frames = whole.subarray(whole.length - withoutId3v2(whole).length);
    const length = mp3FrameHeader(frames, 0)!.length;
    // CBR frames of one length: cutting whole frames off the end leaves a file whose frames still tile it.
    const cut = whole.subarray(0, whole.length - 40 * length);
    expect(mp3FrameHeader(cut, cut.length - length)).toBeDefined();
    const file = path.join(dir, 'cut.mp3');
    writeFileSync(file, cut);
    expect(Math.abs(durationOf(ffprobe(file)) - 7.3)).toBeLessThan(0.06);
    expect(readMp3Frames(cut)).toBeUndefined();
  });

  it('leaves anything else to ffprobe: a WAV named .mp3, another MP3 appended (its own tag, another sample rate)', async () => {
    const wav = path.join(dir, 'wav.mp3');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', '-f', 'wav', wav]);
    expect(await readMp3Output(wav)).toBeUndefined();
    const joined = path.join(dir, 'joined.mp3');
    writeFileSync(joined, Buffer.concat([readFileSync(files['stereo48k']!), withoutId3v2(readFileSync(files['vbr22k']!))]));
    expect(await readMp3Output(joined)).toBeUndefined();
    const monoAfterStereo = Buffer.concat([readFileSync(files['stereo48k']!), withoutId3v2(readFileSync(files['id3v1']!)).subarray(0, -128)]);
    expect(readMp3Frames(monoAfterStereo)).toBeUndefined();
  });
});
