import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apngFrameCount, findMp3Start, isAnimatedImage, mp3FrameLength, sniffContainer } from '../../main/core/engine/identify/sniff';
import { corpus } from '../helpers/media';

const head = (file: string) => new Uint8Array(readFileSync(corpus(file)).subarray(0, 4096));
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffContainer', () => {
  it.each([
    ['heic/IMG_5195.HEIC', 'heic'], ['heic/cat.hif', 'heic'], ['video/ios9.mov', 'mov'], ['video/vfr-rotated.mp4', 'mp4'],
    ['video/mpeg4-mp3.avi', 'avi'], ['video/bear-vp9-odd-dimensions.webm', 'webm'], ['video/sample_with_pgs_subtitles.mkv', 'mkv'],
    ['audio/sixchan.wav', 'wav'], ['audio/with-attached-pic.mp3', 'mp3'], ['image/portrait_6.jpg', 'jpg'], ['image/pigs_in_a_polka.gif', 'gif'],
  ])('%s is %s by content', (file, format) => {
    expect(sniffContainer(head(file))).toMatchObject({ kind: 'media', format });
  });

  it('refuses playlists and recognises plain text', () => {
    expect(sniffContainer(text('#EXTM3U\n#EXTINF:1,\nhttp://x/y.ts\n'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('\uFEFF  #EXTM3U\n'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash"></MPD>'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('hello world\n'))).toEqual({ kind: 'text' });
    expect(sniffContainer(new Uint8Array())).toEqual({ kind: 'empty' });
    expect(sniffContainer(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]))).toEqual({ kind: 'unknown' });
  });

  it('finds MP3 audio behind 100 kB of junk', () => {
    expect(findMp3Start(new Uint8Array(readFileSync(corpus('audio/100kB-garbage-prefix.mp3'))))).toBe(100000);
    expect(findMp3Start(new Uint8Array(4096).fill(0xde))).toBeUndefined();
  });
});

const bytes = (...parts: (string | number[])[]) => {
  const out: number[] = [];
  for (const part of parts) out.push(...(typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part));
  return new Uint8Array([...out, ...new Array(64).fill(0)]);
};
const ftyp = (major: string) => bytes([0, 0, 0, 20], 'ftyp', major, [0, 0, 0, 0], 'isom');

describe('sniffContainer: every family by its signature', () => {
  it.each([
    [bytes('NIST_1A\n   1024\nsample_rate -i 16000\n'), 'sph', 'nistsphere'],
    [bytes('FORM', [0, 0, 0, 0], 'AIFF'), 'aiff', 'aiff'],
    [bytes('FORM', [0, 0, 0, 0], 'AIFC'), 'aiff', 'aiff'],
    [bytes('caff', [0, 1, 0, 0]), 'caf', 'caf'],
    [bytes([0x72, 0x69, 0x66, 0x66, 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00]), 'w64', 'w64'],
    [bytes('#!AMR\n'), 'amr', 'amr'],
    [bytes('#!AMR-WB\n'), 'amr', 'amr'],
    [bytes('.snd', [0, 0, 0, 24]), 'au', 'au'],
    [bytes('Creative Voice File\x1a'), 'voc', 'voc'],
    [bytes('MAC ', [0x96, 0x0f]), 'ape', 'ape'],
    [bytes('wvpk'), 'wv', 'wv'],
    [bytes('FLV', [1, 5]), 'flv', 'flv'],
    [bytes([0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x02]), 'mxf', 'mxf'],
    [bytes([0x7f, 0xfe, 0x80, 0x01]), 'dts', 'dts'],
    [bytes([0x0b, 0x77, 0, 0, 0x10, 0x40]), 'ac3', 'ac3'],
    [bytes([0x0b, 0x77, 0, 0, 0x10, 0x80]), 'eac3', 'eac3'],
    [bytes([0x0b, 0x77, 0, 0, 0x10, 0x50]), 'ac3', 'ac3'],
    [bytes([0x0b, 0x77, 0, 0, 0x10, 0x58]), 'eac3', 'eac3'],
    [bytes([0xff, 0xfd, 0x84, 0x00]), 'mp2', 'mp3'],
    [bytes([0xff, 0xfb, 0x90, 0x00]), 'mp3', 'mp3'],
    [bytes([0xff, 0xf1, 0x50, 0x80]), 'aac', 'aac'],
    [bytes('OggS', [0, 2], new Array(22).fill(0), '\x80theora'), 'ogv', 'ogg'],
    [bytes('OggS', [0, 2], new Array(22).fill(0), 'OpusHead'), 'opus', 'ogg'],
    [bytes('OggS', [0, 2], new Array(22).fill(0), 'Speex   '), 'spx', 'ogg'],
    [bytes('OggS', [0, 2], new Array(22).fill(0), '\x01vorbis'), 'ogg', 'ogg'],
    [ftyp('3gp4'), '3gp', 'mov'], [ftyp('3g2a'), '3gp', 'mov'], [ftyp('qt  '), 'mov', 'mov'], [ftyp('M4A '), 'm4a', 'mov'], [ftyp('isom'), 'mp4', 'mov'],
    [bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'wav', 'wav'], [bytes('RF64', [0, 0, 0, 0], 'WAVE'), 'wav', 'wav'], [bytes('RIFF', [0, 0, 0, 0], 'AVI '), 'avi', 'avi'],
    [bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]), 'wmv', 'asf'], [bytes([0, 0, 1, 0xba]), 'mpg', 'mpeg'], [bytes('fLaC'), 'flac', 'flac'],
  ])('#%# is %s through the %s demuxer', (head, format, demuxer) => {
    expect(sniffContainer(head)).toEqual({ kind: 'media', format, demuxer });
  });

  it('reads MPEG-TS and M2TS by their repeating sync bytes', () => {
    const ts = new Uint8Array(188 * 3 + 1);
    for (const at of [0, 188, 376]) ts[at] = 0x47;
    expect(sniffContainer(ts)).toEqual({ kind: 'media', format: 'mts', demuxer: 'mpegts' });
    const m2ts = new Uint8Array(192 * 3 + 5);
    for (const at of [4, 196, 388]) m2ts[at] = 0x47;
    expect(sniffContainer(m2ts)).toEqual({ kind: 'media', format: 'mts', demuxer: 'mpegts' });
    ts[376] = 0;
    expect(sniffContainer(ts)).toEqual({ kind: 'unknown' });
  });

  it('refuses programs and scripts, and lists that point at other files', () => {
    expect(sniffContainer(bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1]))).toMatchObject({ kind: 'program', what: 'a Linux program' });
    expect(sniffContainer(bytes('MZ', [0x90, 0]))).toMatchObject({ kind: 'program', what: 'a Windows program' });
    expect(sniffContainer(bytes([0xcf, 0xfa, 0xed, 0xfe]))).toMatchObject({ kind: 'program', what: 'a macOS program' });
    expect(sniffContainer(text('#!/bin/sh\nrm -rf ~\n'))).toMatchObject({ kind: 'program', what: 'a script' });
    expect(sniffContainer(text('ffconcat version 1.0\nfile a.mp4\n'))).toMatchObject({ kind: 'playlist', what: 'an ffmpeg concat list' });
    expect(sniffContainer(text("file '/etc/passwd'\nfile 'b.mp4'\n"))).toMatchObject({ kind: 'playlist', what: 'an ffmpeg concat list' });
    expect(sniffContainer(text('v=0\no=- 0 0 IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('[playlist]\nFile1=http://x\n'))).toMatchObject({ kind: 'playlist', what: 'a PLS playlist' });
    expect(sniffContainer(text('<asx version="3.0"><entry><ref href="http://x"/></entry></asx>'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('a file of notes\nwith two lines\n'))).toEqual({ kind: 'text' });
  });
});

describe('isAnimatedImage', () => {
  const gif = (frames: number) => {
    const frame = [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4c, 0x01, 0];
    return new Uint8Array([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255], ...Array(frames).fill(frame), [0x3b]));
  };
  it('counts GIF frames by walking the blocks', () => {
    expect(isAnimatedImage(gif(1), 'gif')).toBe(false);
    expect(isAnimatedImage(gif(2), 'gif')).toBe(true);
    expect(isAnimatedImage(new Uint8Array(readFileSync(corpus('image/pigs_in_a_polka.gif'))), 'gif')).toBe(true);
  });
  it('finds the APNG control chunk before the image data, and the WebP animation flag', () => {
    const chunk = (type: string, data: number[]) => [0, 0, 0, data.length, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0];
    const png = (extra: number[]) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', new Array(13).fill(0)), ...extra, ...chunk('IDAT', [1]), ...chunk('acTL', [0, 0, 0, 9, 0, 0, 0, 0])]);
    expect(isAnimatedImage(png(chunk('acTL', [0, 0, 0, 7, 0, 0, 0, 0])), 'png')).toBe(true);
    expect(apngFrameCount(png(chunk('acTL', [0, 0, 0, 7, 0, 0, 0, 0])))).toBe(7);
    expect(isAnimatedImage(png([]), 'png')).toBe(false);
    expect(apngFrameCount(png([]))).toBe(1);
    const webp = (flags: number) => bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [10, 0, 0, 0, flags]);
    expect(isAnimatedImage(webp(0x02), 'webp')).toBe(true);
    expect(isAnimatedImage(webp(0x10), 'webp')).toBe(false);
    expect(isAnimatedImage(webp(0x02), 'jpg')).toBe(false);
  });
});

describe('sniffContainer: the close calls', () => {
  const box = (major: string, ...compatible: string[]) => {
    const size = 16 + 4 * compatible.length;
    return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
  };

  it('tells AVIF, HEIC and MP4 apart by the ftyp brands', () => {
    expect(sniffContainer(box('avif', 'mif1', 'miaf'))).toMatchObject({ format: 'avif', demuxer: 'avif' });
    expect(sniffContainer(box('avis', 'avif'))).toMatchObject({ format: 'avif' });
    expect(sniffContainer(box('mif1', 'avif'))).toMatchObject({ format: 'avif' });
    expect(sniffContainer(box('msf1', 'avis'))).toMatchObject({ format: 'avif' });
    expect(sniffContainer(box('isom', 'avif'))).toMatchObject({ format: 'mp4' });
    expect(sniffContainer(box('mif1', 'heic'))).toMatchObject({ format: 'heic', demuxer: 'heic' });
    expect(sniffContainer(box('heix'))).toMatchObject({ format: 'heic' });
    expect(sniffContainer(box('MSNV', 'heic'))).toMatchObject({ format: 'heic' });
    expect(sniffContainer(box('MSNV', 'heic', 'isom'))).toMatchObject({ format: 'mp4' });
    expect(sniffContainer(box('MSNV', 'mp42', 'heic'))).toMatchObject({ format: 'mp4' });
    expect(sniffContainer(box('M4B '))).toMatchObject({ format: 'm4a' });
    expect(sniffContainer(box('F4A '))).toMatchObject({ format: 'm4a' });
  });

  it('reads QuickTime files that start without ftyp, and RIFF forms', () => {
    for (const top of ['moov', 'mdat', 'free', 'wide', 'skip', 'pnot']) expect(sniffContainer(bytes([0, 0, 0, 8], top)), top).toEqual({ kind: 'media', format: 'mov', demuxer: 'mov' });
    expect(sniffContainer(bytes([0, 0, 0, 8], 'junk'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes('BW64', [0, 0, 0, 0], 'WAVE'))).toMatchObject({ format: 'wav' });
    expect(sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'AVIX'))).toMatchObject({ format: 'avi' });
    expect(sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toEqual({ kind: 'media', format: 'webp', demuxer: 'webp' });
    expect(sniffContainer(bytes('RIFF', [0, 0, 0, 0], 'CDXA'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes('RIFX', [0, 0, 0, 0], 'WAVE'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes('FORM', [0, 0, 0, 0], '8SVX'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes('FLV', [2]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x01], 'B', [0x82, 0x84], 'webm'))).toMatchObject({ format: 'webm', demuxer: 'matroska' });
    expect(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x01], 'B', [0x82, 0x88], 'matroska'))).toMatchObject({ format: 'mkv', demuxer: 'matroska' });
  });

  it('reads images by their magic numbers', () => {
    expect(sniffContainer(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: 'media', format: 'jpg', demuxer: 'jpeg' });
    expect(sniffContainer(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual({ kind: 'media', format: 'png', demuxer: 'png' });
    expect(sniffContainer(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes('GIF87a'))).toEqual({ kind: 'media', format: 'gif', demuxer: 'gif' });
    expect(sniffContainer(bytes('GIF89a'))).toMatchObject({ format: 'gif' });
    expect(sniffContainer(bytes([0x49, 0x49, 0x2a, 0x00]))).toEqual({ kind: 'media', format: 'tiff', demuxer: 'tiff' });
    expect(sniffContainer(bytes([0x4d, 0x4d, 0x00, 0x2a]))).toMatchObject({ format: 'tiff' });
    for (const dib of [12, 40, 52, 56, 64, 108, 124]) {
      expect(sniffContainer(bytes('BM', new Array(12).fill(0), [dib, 0, 0, 0])), `DIB ${dib}`).toEqual({ kind: 'media', format: 'bmp', demuxer: 'bmp_pipe' });
    }
    expect(sniffContainer(bytes('BM', new Array(12).fill(0), [41, 0, 0, 0]))).toEqual({ kind: 'unknown' });
  });

  it('finds what sits behind an ID3 tag: FLAC, ADTS AAC or MP3', () => {
    const id3 = (size: number, flags = 0) => [0x49, 0x44, 0x33, 4, 0, flags, 0, 0, 0, size];
    expect(sniffContainer(bytes(id3(2), [0, 0], 'fLaC'))).toEqual({ kind: 'media', format: 'flac', demuxer: 'flac' });
    expect(sniffContainer(bytes(id3(2, 0x10), [0, 0], new Array(10).fill(0), 'fLaC'))).toMatchObject({ format: 'flac' });
    expect(sniffContainer(bytes(id3(0), [0xff, 0xf1, 0x50, 0x80]))).toEqual({ kind: 'media', format: 'aac', demuxer: 'aac' });
    expect(sniffContainer(bytes(id3(0), [0xff, 0xfb, 0x90, 0x00]))).toEqual({ kind: 'media', format: 'mp3', demuxer: 'mp3' });
    expect(sniffContainer(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x7f, 0x7f]))).toMatchObject({ format: 'mp3' });
  });

  it('tells MPEG audio layers apart and refuses impossible headers', () => {
    expect(sniffContainer(bytes([0xff, 0xf3, 0x90, 0x00]))).toMatchObject({ format: 'mp3' });
    expect(sniffContainer(bytes([0xff, 0xfd, 0xf4, 0x00]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes([0xff, 0xfd, 0x0c, 0x00]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes([0xff, 0xfd, 0x8c, 0x00]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes([0xff, 0xed, 0x84, 0x00]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(bytes([0xff, 0xf5, 0x84, 0x00]))).toMatchObject({ format: 'mp2' });
    expect(sniffContainer(bytes([0xff, 0xff, 0x84, 0x00]))).toEqual({ kind: 'unknown' });
  });

  it('counts text with control characters as unknown, and a NUL byte as binary', () => {
    expect(sniffContainer(text('line one\r\n\tline two\f\n'))).toEqual({ kind: 'text' });
    expect(sniffContainer(text('bell \x07 here'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(text('escape \x1b[0m'))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(new Uint8Array([0x61, 0x62, 0x00, 0x63]))).toEqual({ kind: 'unknown' });
    expect(sniffContainer(text('\uFEFF#EXTINF:10,\nhttp://x\n'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('<smil><body><video src="x"/></body></smil>'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('<?xml version="1.0"?><playlist/>'))).toMatchObject({ kind: 'playlist' });
    expect(sniffContainer(text('<?xml version="1.0"?><svg/>'))).toEqual({ kind: 'text' });
    expect(sniffContainer(text('#!AMR-WB\n'))).toMatchObject({ kind: 'media', format: 'amr' });
    expect(sniffContainer(text('files to read: a, b\n'))).toEqual({ kind: 'text' });
  });
});

describe('mp3FrameLength and findMp3Start', () => {
  it('computes frame lengths of MPEG-1 and MPEG-2 layer III', () => {
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x90, 0x00]), 0)).toBe(417);
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x92, 0x00]), 0)).toBe(418);
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x94, 0x00]), 0)).toBe(384);
    expect(mp3FrameLength(new Uint8Array([0xff, 0xf3, 0x80, 0x00]), 0)).toBe(208);
    expect(mp3FrameLength(new Uint8Array([0xff, 0xe3, 0x80, 0x00]), 0)).toBe(417);
    expect(mp3FrameLength(new Uint8Array([0, 0xff, 0xfb, 0x90, 0x00]), 1)).toBe(417);
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x90]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xff, 0xeb, 0x90, 0x00]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfd, 0x90, 0x00]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xfe, 0xfb, 0x90, 0x00]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x00, 0x00]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0xf0, 0x00]), 0)).toBeUndefined();
    expect(mp3FrameLength(new Uint8Array([0xff, 0xfb, 0x9c, 0x00]), 0)).toBeUndefined();
  });

  it('needs four frames in a row, or an ID3 tag of version 2 to 4', () => {
    const frame = [0xff, 0xfb, 0x90, 0x00, ...new Array(413).fill(0)];
    const stream = (frames: number, junk: number) => new Uint8Array([...new Array(junk).fill(0xde), ...Array(frames).fill(frame).flat(), ...new Array(16).fill(0)]);
    expect(findMp3Start(stream(4, 7))).toBe(7);
    expect(findMp3Start(stream(3, 7))).toBeUndefined();
    expect(findMp3Start(stream(2, 7), 2)).toBe(7);
    expect(findMp3Start(new Uint8Array([1, 2, 0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(2);
    expect(findMp3Start(new Uint8Array([1, 2, 0x49, 0x44, 0x33, 5, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(findMp3Start(new Uint8Array([1, 2, 0x49, 0x44, 0x33, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });
});
