import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutShortInput } from '../../../main/core/engine/check/cutShortInput';
import { identifyInput } from '../../../main/core/engine/identify/identifyInput';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';

const CLIP = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4'];
// 20 s of stereo that does not compress to nothing, so that a cut falls among many FLAC frames and Ogg pages.
const MUSIC = ['-f', 'lavfi', '-i', 'anoisesrc=d=20:c=pink:a=0.2:r=44100', '-af', 'aformat=channel_layouts=stereo'];
const VP8 = ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-c:a', 'libopus'];

/** The EBML elements of a Matroska file's Segment, from its first byte to its end: ID, size field and where each starts. */
function topElements(bytes: Buffer, from: number): { id: number; at: number; sizeAt: number; sizeLength: number }[] {
  const found = [];
  const length = (byte: number) => Math.clz32(byte) - 23;
  for (let at = from; at < bytes.length;) {
    const idLength = length(bytes[at]!);
    const id = bytes.readUIntBE(at, idLength);
    const sizeAt = at + idLength;
    const sizeLength = length(bytes[sizeAt]!);
    let size = bytes[sizeAt]! & ((0x80 >> (sizeLength - 1)) - 1);
    for (let i = 1; i < sizeLength; i += 1) size = size * 256 + bytes[sizeAt + i]!;
    found.push({ id, at, sizeAt, sizeLength });
    at = sizeAt + sizeLength + size;
  }
  return found;
}

/** The readers that say whether a file ends before its own structure, on files ffmpeg wrote, cut as downloads and recordings stop. */
describe('cut short: Matroska/WebM, AVI, WAV, AIFF and MP3 files read for their declared sizes', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const cutOf = async (name: string) => cutShortInput(await identifyInput(file(name)));
  const writeCut = (from: string, to: string, bytes: number) => writeFileSync(file(to), readFileSync(file(from)).subarray(0, bytes));

  beforeAll(() => {
    dir = tempDir('convertr-cut-short-');
    makeMedia([...CLIP, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file('clip.mkv')]);
    makeMedia([...CLIP, ...VP8, file('clip.webm')]);
    makeMedia([...CLIP, ...VP8, '-f', 'webm', '-live', '1', file('live.webm')]);
    // Written to a pipe, as a recording streamed to disk: no Segment size, no index.
    writeFileSync(file('piped.webm'), execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...CLIP, ...VP8, '-f', 'webm', '-'], { maxBuffer: 64 * 1024 * 1024 }));
    makeMedia([...CLIP, '-c:v', 'mpeg4', '-c:a', 'libmp3lame', file('clip.avi')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=4', file('sound.wav')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=4', file('sound.aiff')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=4', file('sound.mp3')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=4', '-ac', '2', '-ar', '22050', '-q:a', '5', file('vbr.mp3')]);
    makeMedia([...MUSIC, '-c:a', 'flac', file('sound.flac')]);
    makeMedia([...MUSIC, '-c:a', 'libvorbis', file('sound.ogg')]);
    makeMedia([...MUSIC, '-c:a', 'libopus', file('sound.opus')]);
    // Written to a pipe: STREAMINFO never learns how many samples there were (0).
    writeFileSync(file('piped.flac'), execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...MUSIC, '-c:a', 'flac', '-f', 'flac', '-'], { maxBuffer: 64 * 1024 * 1024 }));
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('whole files, live recordings without a Segment size among them, are not cut short', async () => {
    for (const name of ['clip.mkv', 'clip.webm', 'live.webm', 'piped.webm', 'clip.avi', 'sound.wav', 'sound.aiff', 'sound.mp3', 'vbr.mp3']) expect(await cutOf(name), name).toBeUndefined();
  }, 60_000);

  it('a file cut at 30 % and 70 % says how long it should be: the Segment, RIFF or FORM size, the bytes an MP3\'s Xing/Info header counts', async () => {
    for (const name of ['clip.mkv', 'clip.webm', 'clip.avi', 'sound.wav', 'sound.aiff', 'sound.mp3', 'vbr.mp3']) {
      const size = readFileSync(file(name)).length;
      for (const share of [0.3, 0.7]) {
        writeCut(name, `cut-${name}`, Math.floor(size * share));
        expect(await cutOf(`cut-${name}`), `${name} at ${share}`).toEqual({ presentBytes: Math.floor(size * share), declaredBytes: size });
      }
    }
  }, 60_000);

  it('an OpenDML AVI cut in a later RIFF chunk is cut short by an unknown share (how large the ones after it were is not known)', async () => {
    const avi = readFileSync(file('clip.avi'));
    const next = Buffer.alloc(12 + 4000);
    next.write('RIFF', 0, 'latin1');
    next.writeUInt32LE(4 + 100_000, 4);
    next.write('AVIX', 8, 'latin1');
    writeFileSync(file('opendml-cut.avi'), Buffer.concat([avi, next]));
    expect(await cutOf('opendml-cut.avi')).toEqual({ presentBytes: avi.length + next.length });
    next.writeUInt32LE(4 + 4000, 4);
    writeFileSync(file('opendml.avi'), Buffer.concat([avi, next]));
    expect(await cutOf('opendml.avi')).toBeUndefined();
    // Cut in its first RIFF, an AVI whose OpenDML header counts more frames than that RIFF holds (as ffmpeg writes one
    // over 1 GB) gives no share either: the first RIFF's size is not the file's.
    const counted = Buffer.from(avi);
    // ffmpeg reserves the OpenDML list as a JUNK chunk and names it a LIST once a second RIFF was written.
    counted.write('LIST', counted.indexOf('dmlh') - 12, 'latin1');
    counted.writeUInt32LE(counted.readUInt32LE(counted.indexOf('avih') + 8 + 16) + 500, counted.indexOf('dmlh') + 8);
    writeFileSync(file('opendml-first-cut.avi'), counted.subarray(0, counted.length >> 1));
    expect(await cutOf('opendml-first-cut.avi')).toEqual({ presentBytes: counted.length >> 1 });
  }, 60_000);

  it('sizes a writer never filled in (a stream: all ones, 2^31 - 1, or 0) claim nothing, whole or cut', async () => {
    const wav = readFileSync(file('sound.wav'));
    const avi = readFileSync(file('clip.avi'));
    for (const placeholder of [0xffffffff, 0x7fffffff, 0]) {
      for (const [name, bytes] of [['wav', wav], ['avi', avi]] as const) {
        const unsized = Buffer.from(bytes);
        unsized.writeUInt32LE(placeholder, 4);
        // The 'movi' list's size too: nothing else says how long the file is.
        if (name === 'avi') unsized.writeUInt32LE(placeholder, unsized.indexOf('movi') - 4);
        writeFileSync(file(`unsized.${name}`), unsized);
        expect(await cutOf(`unsized.${name}`), `${name} ${placeholder}`).toBeUndefined();
        writeFileSync(file(`unsized-cut.${name}`), unsized.subarray(0, unsized.length >> 1));
        expect(await cutOf(`unsized-cut.${name}`), `${name} ${placeholder} cut`).toBeUndefined();
      }
    }
  }, 60_000);

  it('a live recording without a Segment size cut in a Cluster is cut short, by an unknown share; cut between two Clusters nothing is claimed', async () => {
    const bytes = readFileSync(file('piped.webm'));
    const segment = topElements(bytes, 0)[1]!;
    const clusters = topElements(bytes, segment.sizeAt + segment.sizeLength).filter((element) => element.id === 0x1f43b675);
    expect(clusters.length).toBeGreaterThan(3);
    writeCut('piped.webm', 'piped-cut.webm', clusters[2]!.at + 1000);
    expect(await cutOf('piped-cut.webm')).toEqual({ presentBytes: clusters[2]!.at + 1000 });
    // Cut inside a Cluster's header.
    writeCut('piped.webm', 'piped-cut-header.webm', clusters[2]!.at + 2);
    expect(await cutOf('piped-cut-header.webm')).toEqual({ presentBytes: clusters[2]!.at + 2 });
    // Cut where a Cluster starts: nothing in the file shows that more was to come.
    writeCut('piped.webm', 'piped-cut-between.webm', clusters[2]!.at);
    expect(await cutOf('piped-cut-between.webm')).toBeUndefined();
    // Bytes that are no element after the last Cluster (a tool's padding) are not read as a cut element.
    writeFileSync(file('piped-padded.webm'), Buffer.concat([bytes, Buffer.alloc(5)]));
    expect(await cutOf('piped-padded.webm')).toBeUndefined();
  }, 60_000);

  it('Clusters without a size (as browsers record): whole, nothing is claimed; cut in a block, it is cut short', async () => {
    const bytes = readFileSync(file('piped.webm'));
    const segment = topElements(bytes, 0)[1]!;
    for (const cluster of topElements(bytes, segment.sizeAt + segment.sizeLength).filter((element) => element.id === 0x1f43b675)) {
      // The same number of size bytes, all ones: "unknown".
      bytes[cluster.sizeAt] = 0xff >> (cluster.sizeLength - 1);
      bytes.fill(0xff, cluster.sizeAt + 1, cluster.sizeAt + cluster.sizeLength);
    }
    writeFileSync(file('browser.webm'), bytes);
    expect(await cutOf('browser.webm')).toBeUndefined();
    writeFileSync(file('browser-cut.webm'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(await cutOf('browser-cut.webm')).toEqual({ presentBytes: Math.floor(bytes.length * 0.6) });
  }, 60_000);

  it('a recording without a Segment size that ends between Clusters is cut short when its SeekHead points to an index past the end', async () => {
    const bytes = readFileSync(file('clip.webm'));
    const segment = topElements(bytes, 0)[1]!;
    const cues = topElements(bytes, segment.sizeAt + segment.sizeLength).find((element) => element.id === 0x1c53bb6b)!;
    bytes[segment.sizeAt] = 0xff >> (segment.sizeLength - 1);
    bytes.fill(0xff, segment.sizeAt + 1, segment.sizeAt + segment.sizeLength);
    writeFileSync(file('unsized.webm'), bytes);
    expect(await cutOf('unsized.webm')).toBeUndefined();
    writeFileSync(file('unsized-cut.webm'), bytes.subarray(0, cues.at));
    expect(await cutOf('unsized-cut.webm')).toEqual({ presentBytes: cues.at, declaredBytes: cues.at });
  }, 60_000);

  it('FLAC: whole, or written to a pipe (no sample count), claims nothing; cut at 30 % and 60 % gives the share of its samples before the cut', async () => {
    for (const name of ['sound.flac', 'piped.flac']) expect(await cutOf(name), name).toBeUndefined();
    const size = readFileSync(file('sound.flac')).length;
    for (const share of [0.3, 0.6]) {
      writeCut('sound.flac', 'cut-sound.flac', Math.floor(size * share));
      const cut = await cutOf('cut-sound.flac');
      expect(cut?.presentBytes).toBe(Math.floor(size * share));
      // The bytes a whole file would have, from the samples STREAMINFO counts: within a frame or two of the real size.
      expect(Math.abs(cut!.declaredBytes! / size - 1), `${share}`).toBeLessThan(0.03);
      writeCut('piped.flac', 'cut-piped.flac', Math.floor(size * share));
      expect(await cutOf('cut-piped.flac')).toBeUndefined();
    }
    // Cut within its metadata (STREAMINFO itself), nothing of the sound is there.
    writeCut('sound.flac', 'cut-head.flac', 20);
    expect(await cutOf('cut-head.flac')).toEqual({ presentBytes: 20 });
  }, 60_000);

  it('OGG and OPUS: whole, or with a tag after the last page, claim nothing; cut within a page or between two, the end is missing', async () => {
    for (const name of ['sound.ogg', 'sound.opus']) {
      expect(await cutOf(name), name).toBeUndefined();
      const bytes = readFileSync(file(name));
      writeFileSync(file(`tagged-${name}`), Buffer.concat([bytes, Buffer.from('TAG'.padEnd(128, ' '), 'latin1')]));
      expect(await cutOf(`tagged-${name}`), `tagged ${name}`).toBeUndefined();
      for (const share of [0.3, 0.6]) {
        writeCut(name, `cut-${name}`, Math.floor(bytes.length * share));
        expect(await cutOf(`cut-${name}`), `${name} at ${share}`).toEqual({ presentBytes: Math.floor(bytes.length * share) });
      }
      // Cut where a page starts: only the missing end-of-stream flag on the last page says so.
      const page = bytes.indexOf('OggS', Math.floor(bytes.length * 0.6), 'latin1');
      writeCut(name, `cut-page-${name}`, page);
      expect(await cutOf(`cut-page-${name}`), `${name} at a page`).toEqual({ presentBytes: page });
      writeCut(name, `cut-capture-${name}`, page + 2);
      expect(await cutOf(`cut-capture-${name}`), `${name} in a capture pattern`).toEqual({ presentBytes: page + 2 });
    }
  }, 60_000);
});
