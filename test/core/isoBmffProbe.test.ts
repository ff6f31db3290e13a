import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyInput, refineFormat } from '../../main/core/engine/identify/identifyInput';
import { parseMovieForAudio, probeMovieForAudio, probeMovieWithPictures, readMovieBox } from '../../main/core/engine/identify/isoBmffProbe';
import type { MediaProbe } from '../../main/core/engine/identify/media';
import { factsOfProbe } from '../../main/core/engine/identify/mediaFacts';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { parseFfprobeJson } from '../../main/core/engine/identify/probeParse';
import type { AudioOutput, VideoOutput } from '../../main/core/formats';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { DEFAULT_OPTIONS } from '../../main/core/engine/plan/conversionOptions';
import { m4aWithNegativeTimescale } from '../helpers/brokenMedia';
import { withoutStreamStarts } from '../helpers/probes';
import { corpus, ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

/** What an audio plan and a row's facts read of a probe: everything but the picture format of video tracks. */
function audioRelevant(probe: MediaProbe) {
  return {
    container: probe.container,
    durationSeconds: probe.durationSeconds,
    video: probe.video.map((v) => ({ index: v.index, codec: v.codec, width: v.width, height: v.height, rotation: v.rotation, durationSeconds: v.durationSeconds })),
    coverArt: probe.coverArt.map((v) => v.index),
    audio: probe.audio,
    subtitles: probe.subtitles,
    otherStreamCount: probe.otherStreamCount,
  };
}

const AUDIO_TARGETS: AudioOutput[] = ['mp3', 'm4a', 'wav', 'flac', 'ogg', 'opus'];

async function plansOf(file: string, probe: MediaProbe) {
  const input = refineFormat(await identifyInput(file), probe);
  return AUDIO_TARGETS.map((target) => planAudioConversion({ ...input, probe }, target));
}

const CORPUS_MOVIES = ['video/hlg10-color-test.mp4', 'video/ios9.mov', 'video/iphone4s-portrait.MOV', 'video/sideways movie.mov', 'video/vfr-rotated.mp4', 'video/video_with_failing_audio.mp4', 'video/broken.mp4'];

describe('probing an MP4/MOV for an audio target without ffprobe', () => {
  let dir: string;
  const made: Record<string, string> = {};
  /** Files the probe must read, and files it must leave to ffprobe. */
  const readable = ['faststart', 'moovLast', 'rotated90', 'rotated270', 'hevc', 'twoAudio', 'm4a', 'mov', 'stereo44k', 'sixChannels', 'longerVideo', 'trimmed', 'trimmedSound', 'timecode', 'noEdits', 'longMediaNoEdits', 'shortMediaNoEdits', 'longMedia', 'startCut'];
  const declined = ['aac22k', 'coverArt', 'fragmented', 'truncated', 'truncatedData', 'mp3InMp4', 'subtitles', 'mpeg4Video'];
  beforeAll(() => {
    dir = tempDir('convertr-isobmff-');
    const clip = (name: string, ext: string, args: string[], inputs: string[] = []) => {
      made[name] = path.join(dir, `${name}.${ext}`);
      makeMedia([
        '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2.5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2.5:sample_rate=48000',
        ...inputs, ...args, made[name]!,
      ]);
    };
    const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
    clip('faststart', 'mp4', [...h264, '-c:a', 'aac', '-movflags', '+faststart']);
    clip('moovLast', 'mp4', [...h264, '-c:a', 'aac']);
    for (const degrees of [90, 270]) {
      made[`rotated${degrees}`] = path.join(dir, `rotated${degrees}.mp4`);
      makeMedia(['-i', made['faststart']!, '-c', 'copy', '-metadata:s:v', `rotate=${degrees}`, made[`rotated${degrees}`]!]);
    }
    clip('hevc', 'mp4', ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-c:a', 'aac']);
    clip('twoAudio', 'mp4', [...h264, '-map', '0:v', '-map', '1:a', '-map', '2:a', '-c:a', 'aac', '-metadata:s:a:1', 'language=fra'], ['-f', 'lavfi', '-i', 'sine=frequency=880:duration=2:sample_rate=44100']);
    clip('m4a', 'm4a', ['-vn', '-c:a', 'aac', '-b:a', '96k']);
    clip('mov', 'mov', [...h264, '-c:a', 'aac']);
    clip('stereo44k', 'mp4', [...h264, '-c:a', 'aac', '-ac', '2', '-ar', '44100']);
    clip('sixChannels', 'm4a', ['-vn', '-c:a', 'aac', '-ac', '6']);
    clip('longerVideo', 'mp4', [...h264, '-c:a', 'aac', '-t', '2.5'], ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.2:sample_rate=48000', '-map', '0:v', '-map', '2:a']);
    clip('aac22k', 'mp4', [...h264, '-c:a', 'aac', '-ar', '22050']);
    clip('coverArt', 'm4a', ['-map', '1:a', '-map', '2:v', '-c:a', 'aac', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic'], ['-f', 'lavfi', '-i', 'color=red:size=64x64:duration=1', '-frames:v', '1']);
    clip('fragmented', 'mp4', [...h264, '-c:a', 'aac', '-movflags', '+frag_keyframe+empty_moov']);
    clip('mp3InMp4', 'mp4', [...h264, '-c:a', 'libmp3lame']);
    clip('subtitles', 'mp4', [...h264, '-c:a', 'aac', '-map', '0:v', '-map', '1:a', '-map', '2:s', '-c:s', 'mov_text'], ['-f', 'srt', '-i', writeSrt()]);
    clip('mpeg4Video', 'mp4', ['-c:v', 'mpeg4', '-c:a', 'aac']);
    clip('startCut', 'mp4', [...h264, '-c:a', 'aac', '-ss', '0.3', '-copyts']);
    made['timecode'] = path.join(dir, 'timecode.mov');
    makeMedia(['-i', made['faststart']!, '-c', 'copy', '-timecode', '00:00:10:00', made['timecode']]);
    // Cut at a time that is not a frame boundary: the edit list starts part-way into a frame of sound.
    for (const [name, ext, args] of [['trimmed', 'mp4', []], ['trimmedSound', 'm4a', ['-vn']]] as const) {
      made[name] = path.join(dir, `${name}.${ext}`);
      makeMedia(['-ss', '0.33', '-i', made['faststart']!, ...args, '-c', 'copy', made[name]!]);
    }
    for (const [name, from] of [['truncated', 'moovLast'], ['truncatedData', 'faststart']] as const) {
      made[name] = path.join(dir, `${name}.mp4`);
      const whole = readFileSync(made[from]!);
      writeFileSync(made[name], whole.subarray(0, whole.length - 100));
    }
    // Changed in place, so ffprobe can say what it makes of them: edit lists turned into free space, then track lengths that disagree with the sample times.
    const inPlace = (name: string, edit: (bytes: Buffer) => void) => {
      const bytes = readFileSync(made['faststart']!);
      edit(bytes);
      made[name] = path.join(dir, `${name}.mp4`);
      writeFileSync(made[name], bytes);
    };
    const everyBox = (bytes: Buffer, type: string) => {
      const found: number[] = [];
      for (let at = bytes.indexOf(type); at >= 0; at = bytes.indexOf(type, at + 1)) found.push(at + 4);
      return found;
    };
    const noEdits = (bytes: Buffer) => everyBox(bytes, 'edts').forEach((body) => bytes.write('free', body - 4, 'latin1'));
    // mdhd version 0: timescale at 12, duration at 16 bytes into the body.
    const scaleMedia = (factor: number) => (bytes: Buffer) => everyBox(bytes, 'mdhd').forEach((body) => bytes.writeUInt32BE(Math.round(bytes.readUInt32BE(body + 16) * factor), body + 16));
    inPlace('noEdits', noEdits);
    inPlace('longMediaNoEdits', (bytes) => { noEdits(bytes); scaleMedia(3)(bytes); });
    inPlace('shortMediaNoEdits', (bytes) => { noEdits(bytes); scaleMedia(0.5)(bytes); });
    inPlace('longMedia', scaleMedia(3));
    function writeSrt(): string {
      const srt = path.join(dir, 'subs.srt');
      writeFileSync(srt, '1\n00:00:00,500 --> 00:00:01,500\nHello\n\n');
      return srt;
    }
  });
  afterAll(() => removeDir(dir));

  it('gives what ffprobe gives for generated files: streams, indices, audio fields, durations, rotation', async () => {
    for (const name of readable) {
      const file = made[name]!;
      const mine = probeMovieForAudio(file);
      expect(mine, name).toBeDefined();
      const theirs = withoutStreamStarts(parseFfprobeJson(ffprobe(file)));
      expect(audioRelevant(mine!), name).toEqual(audioRelevant(theirs));
      expect(await plansOf(file, mine!), name).toEqual(await plansOf(file, theirs));
      expect(factsOfProbe(mine!), name).toEqual(factsOfProbe(theirs));
    }
  });

  it('covers the cases it claims: rotations, a track shorter than the movie, two sound tracks, six channels', () => {
    const probe = (name: string) => probeMovieForAudio(made[name]!)!;
    // ffmpeg's rotate tag turns the other way from the engine's clockwise degrees; ffprobe agrees with the probe above.
    expect(probe('rotated90').video[0]!.rotation).toBe(270);
    expect(probe('rotated270').video[0]!.rotation).toBe(90);
    expect(probe('hevc').video[0]!.codec).toBe('hevc');
    expect(probe('longerVideo').audio[0]!.durationSeconds).toBeLessThan(probe('longerVideo').durationSeconds! - 1);
    expect(probe('twoAudio').audio.map((a) => [a.index, a.sampleRate, a.language])).toEqual([[1, 48000, 'und'], [2, 44100, 'fra']]);
    expect(probe('sixChannels').audio[0]!.channels).toBe(6);
    expect(probe('m4a').video).toEqual([]);
    expect(probe('timecode').otherStreamCount).toBe(1);
  });

  it('leaves to ffprobe what it does not fully understand', () => {
    for (const name of declined) expect(probeMovieForAudio(made[name]!), name).toBeUndefined();
  });

  /** The faststart clip's movie header with the bytes after `marker` (at its nth occurrence) changed by `edit`. */
  function edited(marker: string, edit: (bytes: Uint8Array, at: number) => void): Uint8Array {
    const moov = Uint8Array.from(readMovieBox(made['faststart']!)!);
    const at = Buffer.from(moov).indexOf(marker);
    expect(at).toBeGreaterThan(0);
    edit(moov, at + 4);
    return moov;
  }
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  it('declines a movie header it would misread: skewed matrix, empty edit, SBR signalled, other AAC types, two sample descriptions', () => {
    expect(parseMovieForAudio(edited('moov', () => undefined))).toBeDefined();
    // tkhd version 0: matrix at 40 bytes into the body; a 45-degree turn has a = b = 0.7071.
    expect(parseMovieForAudio(edited('tkhd', (b, at) => { view(b).setInt32(at + 40, 46341); view(b).setInt32(at + 44, 46341); }))).toBeUndefined();
    // A horizontal flip: a = -1.
    expect(parseMovieForAudio(edited('tkhd', (b, at) => view(b).setInt32(at + 40, -0x10000)))).toBeUndefined();
    // elst: version/flags, count, then segment duration and media time; -1 is an empty edit (a delayed start).
    expect(parseMovieForAudio(edited('elst', (b, at) => view(b).setInt32(at + 12, -1)))).toBeUndefined();
    expect(parseMovieForAudio(edited('elst', (b, at) => view(b).setInt32(at + 16, 0x20000)))).toBeUndefined();
    const asc = (b: Uint8Array) => Buffer.from(b).indexOf(Buffer.from([0x05, 0x80, 0x80, 0x80, 0x05])) + 5;
    expect(parseMovieForAudio(edited('esds', (b) => { b[asc(b) + 4] = 0x80; }))).toBeUndefined();
    expect(parseMovieForAudio(edited('esds', (b) => { b[asc(b)] = (5 << 3) | (b[asc(b)]! & 7); }))).toBeUndefined();
    expect(parseMovieForAudio(edited('esds', (b) => { b[asc(b) + 1] = (b[asc(b) + 1]! & 0x87) | (7 << 3); }))).toBeUndefined();
    expect(parseMovieForAudio(edited('stsd', (b, at) => view(b).setUint32(at + 4, 2)))).toBeUndefined();
    // A language code below 0x400 is an old Macintosh code, 0 is English.
    expect(parseMovieForAudio(edited('mdhd', (b, at) => view(b).setUint16(at + 20, 5)))).toBeUndefined();
    // The movie's duration is the header's, not the longest track's.
    expect(parseMovieForAudio(edited('mvhd', (b, at) => view(b).setUint32(at + 16, view(b).getUint32(at + 12) * 7)))!.durationSeconds).toBe(7);
  });

  it('declines the fields ffmpeg reads as negative or would not read the same: an M4A whose media timescale has its top bit set', () => {
    const song = m4aWithNegativeTimescale(dir, 3);
    expect(ffprobe(song).streams[0]).toMatchObject({ codec_type: 'audio' });
    expect(probeMovieForAudio(song)).toBeUndefined();
    expect(parseMovieForAudio(edited('mvhd', (bytes, at) => view(bytes).setUint32(at + 12, 0x80000000)))).toBeUndefined();
    expect(parseMovieForAudio(edited('stsz', (bytes, at) => view(bytes).setUint32(at + 12, 0x80000001)))).toBeUndefined();
    expect(parseMovieForAudio(edited('stsc', (bytes, at) => view(bytes).setUint32(at + 8, 7)))).toBeUndefined();
  });

  it('declines a movie whose chunks do not fill its media data (a sample size or chunk offset changed)', () => {
    const bytes = readFileSync(made['faststart']!);
    const stsz = bytes.indexOf('stsz') + 4;
    bytes.writeUInt32BE(bytes.readUInt32BE(stsz + 12) + 1, stsz + 12);
    const changed = path.join(dir, 'sizeChanged.mp4');
    writeFileSync(changed, bytes);
    expect(probeMovieForAudio(made['faststart']!)).toBeDefined();
    expect(probeMovieForAudio(changed)).toBeUndefined();
  });

  it('declines a fragmented movie twice over: by its fragments, and by its movie header alone', () => {
    expect(readMovieBox(made['fragmented']!)).toBeUndefined();
    const bytes = readFileSync(made['fragmented']!);
    const moov = bytes.indexOf('moov') - 4;
    expect(parseMovieForAudio(bytes.subarray(moov, moov + bytes.readUInt32BE(moov)))).toBeUndefined();
    // A whole movie header that also says fragments may follow.
    expect(parseMovieForAudio(edited('udta', (b, at) => b.set(Buffer.from('mvex'), at - 4)))).toBeUndefined();
  });

  it('gives what ffprobe gives for every movie in the corpus it reads, and declines the rest', async () => {
    const outcome: Record<string, boolean> = {};
    for (const relative of CORPUS_MOVIES) {
      const file = corpus(relative);
      const mine = probeMovieForAudio(file);
      outcome[relative] = mine !== undefined;
      if (!mine) continue;
      const theirs = withoutStreamStarts(parseFfprobeJson(ffprobe(file)));
      expect(audioRelevant(mine), relative).toEqual(audioRelevant(theirs));
      expect(await plansOf(file, mine), relative).toEqual(await plansOf(file, theirs));
      expect(factsOfProbe(mine), relative).toEqual(factsOfProbe(theirs));
    }
    console.log(outcome);
    expect(outcome['video/broken.mp4']).toBe(false);
  });
});

const VIDEO_TARGETS: VideoOutput[] = ['mp4', 'mov', 'mkv', 'webm', 'avi'];

async function videoPlansOf(file: string, probe: MediaProbe) {
  const input = refineFormat(await identifyInput(file), probe);
  return VIDEO_TARGETS.map((target) => [planVideoConversion({ ...input, probe }, target), planVideoConversion({ ...input, probe }, target, { conversion: { ...DEFAULT_OPTIONS, quality: 'small' } })]);
}

describe('reading the pictures of an H.264 MP4/MOV for a video plan and an output check, without ffprobe', () => {
  let dir: string;
  const made: Record<string, string> = {};
  const readable = [
    'baseline', 'main', 'highBFrames', 'jpegRange', 'fullRangeFlag', 'bt709', 'hlgTagged', 'colrOnly', 'colrFull', 'ntsc', 'remuxed', 'rotated',
    'sixteenNine', 'anamorphicMov', 'anamorphicRotated', 'vuiAspectOnly', 'paspSquare', 'paspZero',
  ];
  const declined = ['tenBit', 'fourTwoTwo', 'hevc', 'paspRounded', 'interlaced'];
  beforeAll(() => {
    dir = tempDir('convertr-avc-');
    const clip = (name: string, ext: string, video: string[]) => {
      made[name] = path.join(dir, `${name}.${ext}`);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1.5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.5:sample_rate=48000', ...video, '-c:a', 'aac', made[name]!]);
    };
    const copy = (name: string, from: string, args: string[]) => {
      made[name] = path.join(dir, `${name}.mp4`);
      makeMedia(['-i', made[from]!, '-c', 'copy', ...args, made[name]!]);
    };
    const x264 = (...args: string[]) => ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...args];
    clip('baseline', 'mp4', x264('-profile:v', 'baseline'));
    clip('main', 'mp4', ['-c:v', 'libx264', '-profile:v', 'main', '-pix_fmt', 'yuv420p']);
    clip('highBFrames', 'mp4', ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart']);
    clip('jpegRange', 'mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuvj420p']);
    clip('bt709', 'mp4', x264('-color_range', 'tv', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'));
    clip('hlgTagged', 'mp4', x264('-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', '-colorspace', 'bt2020nc'));
    clip('ntsc', 'mov', x264('-r', '30000/1001'));
    clip('interlaced', 'mp4', ['-c:v', 'libx264', '-flags', '+ildct+ilme', '-pix_fmt', 'yuv420p']);
    clip('tenBit', 'mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le']);
    clip('fourTwoTwo', 'mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv422p']);
    clip('hevc', 'mp4', ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1']);
    clip('sixteenNine', 'mp4', x264('-vf', 'scale=640:360'));
    copy('fullRangeFlag', 'baseline', ['-bsf:v', 'h264_metadata=video_full_range_flag=1']);
    // Colour only in the container's colr box (the parameter set says nothing), in limited and in full range.
    copy('colrOnly', 'baseline', ['-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-movflags', '+write_colr']);
    copy('colrFull', 'baseline', ['-color_range', 'pc', '-movflags', '+write_colr']);
    // What the converter's own remux writes: an empty edit before each track's one plain edit.
    copy('remuxed', 'highBFrames', ['-avoid_negative_ts', 'make_zero', '-movflags', '+faststart+use_metadata_tags']);
    copy('rotated', 'main', ['-metadata:s:v', 'rotate=90']);
    // Pixels that are not square: 320x240 scaled to 640x360 keeps its 4:3 shape with pixels of 3:4 (an MP4's track
    // header then holds the width as displayed); an HDV-like MOV of 4:3 pixels (a pasp box and the parameter set say so).
    clip('anamorphicMov', 'mov', x264('-vf', 'setsar=4/3'));
    copy('anamorphicRotated', 'sixteenNine', ['-metadata:s:v', 'rotate=90']);
    // The pasp box changed in place: gone (the parameter set's 4:3 counts), 1:1 (it wins), a zero side (it says nothing), 40000:30001 (ffmpeg rounds it).
    const pasp = (name: string, spacing: [number, number] | undefined) => {
      const bytes = readFileSync(made['anamorphicMov']!);
      const at = bytes.indexOf('pasp');
      if (spacing) {
        bytes.writeUInt32BE(spacing[0], at + 4);
        bytes.writeUInt32BE(spacing[1], at + 8);
      } else {
        bytes.write('free', at, 'latin1');
      }
      made[name] = path.join(dir, `${name}.mov`);
      writeFileSync(made[name], bytes);
    };
    pasp('vuiAspectOnly', undefined);
    pasp('paspSquare', [1, 1]);
    pasp('paspZero', [0, 1]);
    pasp('paspRounded', [40000, 30001]);
  });
  afterAll(() => removeDir(dir));

  it('gives every field ffprobe gives (profile, pixel format, range, transfer, frame rate, sizes, durations) and the same video plans', async () => {
    for (const name of readable) {
      const mine = probeMovieWithPictures(made[name]!);
      expect(mine, name).toBeDefined();
      const theirs = withoutStreamStarts(parseFfprobeJson(ffprobe(made[name]!)));
      expect(mine, name).toEqual(theirs);
      expect(await videoPlansOf(made[name]!, mine!), name).toEqual(await videoPlansOf(made[name]!, theirs));
    }
    const video = (name: string) => probeMovieWithPictures(made[name]!)!.video[0]!;
    expect(['jpegRange', 'fullRangeFlag', 'colrFull'].map((name) => video(name).pixelFormat)).toEqual(['yuvj420p', 'yuvj420p', 'yuvj420p']);
    expect(['hlgTagged', 'colrOnly'].map((name) => video(name).colorTransfer)).toEqual(['arib-std-b67', 'smpte2084']);
    expect(video('ntsc').frameRate).toBeCloseTo(29.97, 2);
    expect(['sixteenNine', 'anamorphicMov', 'anamorphicRotated', 'vuiAspectOnly', 'paspSquare', 'paspZero', 'main'].map((name) => video(name).sampleAspectRatio))
      .toEqual([{ num: 3, den: 4 }, { num: 4, den: 3 }, { num: 3, den: 4 }, { num: 4, den: 3 }, undefined, { num: 4, den: 3 }, undefined]);
  });

  it('leaves to ffprobe what a remux decision cannot take from it: 10-bit, 4:2:2, HEVC, a pixel shape ffmpeg rounds', () => {
    for (const name of declined) expect(probeMovieWithPictures(made[name]!), name).toBeUndefined();
    // The audio reader still lists the HEVC track without its picture format.
    expect(probeMovieForAudio(made['hevc']!)?.video[0]?.codec).toBe('hevc');
  });

  it('agrees with ffprobe on every movie in the corpus it reads', async () => {
    const outcome: Record<string, boolean> = {};
    for (const relative of CORPUS_MOVIES) {
      const file = corpus(relative);
      const mine = probeMovieWithPictures(file);
      outcome[relative] = mine !== undefined;
      if (!mine) continue;
      const theirs = withoutStreamStarts(parseFfprobeJson(ffprobe(file)));
      expect(mine, relative).toEqual(theirs);
      expect(await videoPlansOf(file, mine), relative).toEqual(await videoPlansOf(file, theirs));
    }
    expect(outcome).toMatchObject({ 'video/ios9.mov': true, 'video/iphone4s-portrait.MOV': true, 'video/vfr-rotated.mp4': true, 'video/hlg10-color-test.mp4': false, 'video/broken.mp4': false });
  });
});
