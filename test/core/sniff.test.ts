import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findMp3Start, sniffContainer } from '../../main/core/sniff';
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
