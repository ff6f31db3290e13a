import { describe, expect, it } from 'vitest';
import {
  AUDIO_OUTPUTS, IMAGE_OUTPUTS, VIDEO_OUTPUTS, extensionOf, formatForStreams, inputFormatFromName, inputKind, isAudioOutput,
  isImageOutput, isSupportedInputName, isVideoOutput, kindOfStreams, mayHoldVideo, outputExtension, outputKind, pairLabel, parseOutputFormat,
} from '../../main/core/formats';
import { assertPairSupported, isPairSupported, targetsFor } from '../../main/core/pairs';

describe('formats', () => {
  it.each([
    ['clip.3gp', '3gp'], ['old.3G2', '3gp'], ['tape.vob', 'mpg'], ['cam.m2ts', 'mts'], ['flash.flv', 'flv'], ['broadcast.mxf', 'mxf'],
    ['film.ogv', 'ogv'], ['song.oga', 'ogg'], ['speech.spx', 'spx'], ['mix.mka', 'mka'], ['take.aif', 'aiff'], ['loop.aifc', 'aiff'],
    ['apple.caf', 'caf'], ['monkey.ape', 'ape'], ['pack.wv', 'wv'], ['phone.amr', 'amr'], ['dvd.ac3', 'ac3'], ['bluray.ec3', 'eac3'],
    ['cinema.dts', 'dts'], ['sun.au', 'au'], ['corpus.sph', 'sph'], ['blaster.voc', 'voc'], ['sony.w64', 'w64'], ['broadcast.bwf', 'wav'],
    ['radio.mp2', 'mp2'], ['book.m4b', 'm4a'], ['moving.apng', 'png'], ['PHOTO.HEIC', 'heic'], ['a/b.c/noext', undefined], ['.hidden', undefined],
  ])('%s is read as %s', (name, format) => {
    expect(inputFormatFromName(name)).toBe(format);
    expect(isSupportedInputName(name)).toBe(format !== undefined);
  });

  it('takes the extension of the last path part only, lower-cased', () => {
    expect(extensionOf('C:\\My.Videos\\Clip.MP4')).toBe('mp4');
    expect(extensionOf('/x.y/file')).toBe('');
    expect(extensionOf('/music/.mp3')).toBe('');
  });

  it('parses what users type after --to', () => {
    expect(parseOutputFormat(' JPEG ')).toBe('jpg');
    expect(parseOutputFormat('.tif')).toBe('tiff');
    expect(parseOutputFormat('aac')).toBe('m4a');
    expect(parseOutputFormat('oga')).toBe('ogg');
    expect(parseOutputFormat('m4v')).toBe('mp4');
    expect(parseOutputFormat('Mp3')).toBe('mp3');
    expect(parseOutputFormat('heic')).toBeUndefined();
    expect(parseOutputFormat('mp3.')).toBeUndefined();
  });

  it('knows the kind of every output and input', () => {
    expect(VIDEO_OUTPUTS.every((f) => outputKind(f) === 'video' && isVideoOutput(f) && !isAudioOutput(f) && !isImageOutput(f))).toBe(true);
    expect(AUDIO_OUTPUTS.every((f) => outputKind(f) === 'audio' && isAudioOutput(f) && !isVideoOutput(f))).toBe(true);
    expect(IMAGE_OUTPUTS.every((f) => outputKind(f) === 'image' && isImageOutput(f) && !isVideoOutput(f))).toBe(true);
    expect([inputKind('ogv'), inputKind('sph'), inputKind('heic')]).toEqual(['video', 'audio', 'image']);
    expect(pairLabel('sph', 'mp3')).toBe('SPH->MP3');
    expect(outputExtension('tiff')).toBe('tiff');
  });

  it('lets the streams name the container: Ogg with Theora is OGV, MP4 with sound only is M4A', () => {
    expect(formatForStreams('ogg', { video: true })).toBe('ogv');
    expect(formatForStreams('opus', { video: true })).toBe('ogv');
    expect(formatForStreams('m4a', { video: true })).toBe('mp4');
    expect(formatForStreams('wma', { video: true })).toBe('wmv');
    expect(formatForStreams('mka', { video: true })).toBe('mkv');
    expect(formatForStreams('mp4', { video: false })).toBe('m4a');
    expect(formatForStreams('wmv', { video: false })).toBe('wma');
    expect(formatForStreams('mkv', { video: false })).toBe('mka');
    expect(formatForStreams('ogv', { video: false })).toBe('ogg');
    expect(formatForStreams('avi', { video: false })).toBe('avi');
    expect(formatForStreams('mp4', { video: true })).toBe('mp4');
    expect(kindOfStreams({ video: true })).toBe('video');
    expect(kindOfStreams({ video: false })).toBe('audio');
    expect(['ogg', 'm4a', 'wma', 'mka', 'avi'].every((f) => mayHoldVideo(f as never))).toBe(true);
    expect(['mp3', 'wav', 'sph', 'flac', 'jpg'].some((f) => mayHoldVideo(f as never))).toBe(false);
  });
});

describe('pairs follow the streams', () => {
  it('a file with video can become any video or audio target, an animated GIF and a still (JPG, PNG, WEBP)', () => {
    expect(targetsFor('mkv', { video: true })).toEqual([...VIDEO_OUTPUTS, ...AUDIO_OUTPUTS, 'gif', 'jpg', 'png', 'webp']);
    expect(isPairSupported('mp4', 'jpg')).toBe(true);
    expect(isPairSupported('mp4', 'avif')).toBe(false);
    expect(isPairSupported('mp3', 'png')).toBe(false);
    expect(isPairSupported('ogg', 'avi', { video: true })).toBe(true);
    expect(isPairSupported('mp4', 'gif')).toBe(true);
    expect(isPairSupported('mp3', 'gif')).toBe(false);
    expect(isPairSupported('mp4', 'gif', { video: false })).toBe(false);
  });

  it('sound alone can become any audio target and MP4/MOV/MKV/WEBM, not AVI', () => {
    expect(targetsFor('m4a', { video: false })).toEqual([...AUDIO_OUTPUTS, 'mp4', 'mov', 'mkv', 'webm']);
    expect(isPairSupported('mp3', 'mp4')).toBe(true);
    expect(isPairSupported('mp3', 'avi')).toBe(false);
    expect(isPairSupported('mp4', 'avi', { video: false })).toBe(false);
  });

  it('before the probe, a container that may hold video keeps every video target', () => {
    expect(isPairSupported('ogg', 'avi')).toBe(true);
    expect(isPairSupported('wav', 'avi')).toBe(false);
  });

  it('images stay images, except GIF which can also become a video', () => {
    expect(targetsFor('png')).toEqual(IMAGE_OUTPUTS);
    expect(targetsFor('gif')).toEqual([...IMAGE_OUTPUTS, ...VIDEO_OUTPUTS]);
    expect(isPairSupported('heic', 'mp4')).toBe(false);
  });

  it('refuses an unsupported pair naming what the input can become', () => {
    expect(() => assertPairSupported('mp3', 'avi')).toThrow('MP3->AVI is not supported: an MP3 file can become MP3, M4A, WAV, FLAC, OGG, OPUS, MP4, MOV, MKV, WEBM.');
    expect(() => assertPairSupported('mp4', 'avi', { video: false })).toThrow(/MP4 file with sound only can become/);
    expect(() => assertPairSupported('mp4', 'avi', { video: true })).not.toThrow();
    expect(() => assertPairSupported('mp3', 'avi', { video: false })).toThrow(/: an MP3 file can become/);
    expect(() => assertPairSupported('wav', 'jpg')).toThrow(/: a WAV file can become/);
    expect(() => assertPairSupported('heic', 'mp4')).toThrow(/: a HEIC file can become JPG/);
    expect(() => assertPairSupported('mkv', 'avif', { video: true })).toThrow(/: an MKV file can become MP4/);
    expect(() => assertPairSupported('png', 'mp3')).toThrow(expect.objectContaining({ code: 'PAIR_UNSUPPORTED' }));
  });
});
