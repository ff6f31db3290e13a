import { describe, expect, it } from 'vitest';
import { mp3SampleRate, planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { audio, probe, probedInput, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('mp3SampleRate', () => {
  it.each([[44100, 44100], [48000, 48000], [96000, 48000], [192000, 48000], [88200, 44100], [176400, 44100], [22050, 22050], [7350, 8000], [37800, 44100]])('%i Hz -> %i Hz', (input, expected) => {
    expect(mp3SampleRate(input)).toBe(expected);
  });
});

describe('planAudioConversion', () => {
  it('takes the first audio track, at most 2 channels and 48 kHz for MP3', () => {
    const plan = planAudioConversion(probedInput(probe({ audio: [audio({ index: 3, channels: 6, sampleRate: 96000 }), audio({ index: 4 })] })), 'mp3');
    expect(argAfter(plan.outputOptions, '-map')).toBe('0:3');
    expect(argAfter(plan.outputOptions, '-ac')).toBe('2');
    expect(argAfter(plan.outputOptions, '-ar')).toBe('48000');
    expect(plan.outputOptions).toContain('-vn');
    expect(plan.expectation).toMatchObject({ audio: { count: 1, codec: 'mp3', maxChannels: 2, maxSampleRate: 48000 } });
    expect(plan.notes.join(' ')).toMatch(/first of 2 audio tracks/);
  });

  it('copies an MP3 track that already qualifies (cover art left out)', () => {
    const plan = planAudioConversion(probedInput(probe({ video: [], coverArt: [video({ index: 1, codec: 'mjpeg' })], audio: [audio({ index: 0, codec: 'mp3', sampleRate: 44100 })] })), 'mp3');
    expect(plan.strategy).toBe('remux');
    expect(argAfter(plan.outputOptions, '-c:a')).toBe('copy');
  });

  it('fails with NO_AUDIO_STREAM when there is no audio', () => {
    expect(() => planAudioConversion(probedInput(probe({ audio: [] })), 'mp3')).toThrow(expect.objectContaining({ code: 'NO_AUDIO_STREAM' }));
  });

  it('keeps 24-bit depth in WAV and uses surround mapping for 5.1 Opus', () => {
    expect(argAfter(planAudioConversion(probedInput(probe({ audio: [audio({ codec: 'flac', bitsPerSample: 24, sampleFormat: 's32' })] })), 'wav').outputOptions, '-c:a')).toBe('pcm_s24le');
    const opus = planAudioConversion(probedInput(probe({ audio: [audio({ codec: 'ac3', channels: 6 })] })), 'opus');
    expect(opus.outputOptions.join(' ')).toContain('-mapping_family 1');
  });
});

describe('planAudioConversion: M4A that plays while it downloads', () => {
  it('asks for faststart whether the AAC is copied or encoded', () => {
    const copied = planAudioConversion(probedInput(probe({ video: [] })), 'm4a');
    expect(copied.strategy).toBe('remux');
    expect(copied.outputOptions.join(' ')).toContain('-movflags +faststart');
    const encoded = planAudioConversion(probedInput(probe({ video: [], audio: [audio({ codec: 'flac' })] })), 'm4a');
    expect(encoded.strategy).toBe('encode');
    expect(encoded.outputOptions.join(' ')).toContain('-movflags +faststart');
    expect(planAudioConversion(probedInput(probe({ video: [] })), 'mp3').outputOptions).not.toContain('-movflags');
  });
});

describe('planAudioConversion: the exact ffmpeg arguments of each audio target', () => {
  const plan = (target: Parameters<typeof planAudioConversion>[1], stream: Parameters<typeof audio>[0], tracks = 1) =>
    planAudioConversion(probedInput(probe({ video: [], durationSeconds: 12, audio: Array.from({ length: tracks }, (_, i) => audio({ index: i, durationSeconds: undefined, ...stream })) })), target);
  const head = ['-map', '0:0', '-vn', '-sn', '-dn', '-map_metadata', '0'];

  it('MP3: 128k mono, 192k stereo, at most 2 channels and 48 kHz, ID3v2.3 tags', () => {
    expect(plan('mp3', { codec: 'aac', channels: 1, sampleRate: 22050 }).outputOptions).toEqual([...head, '-c:a', 'libmp3lame', '-q:a', '2', '-ac', '1', '-ar', '22050', '-id3v2_version', '3']);
    const surround = plan('mp3', { codec: 'flac', channels: 6, sampleRate: 96000 });
    expect(surround.outputOptions).toEqual([...head, '-c:a', 'libmp3lame', '-q:a', '2', '-ac', '2', '-ar', '48000', '-id3v2_version', '3']);
    expect(surround.notes).toEqual(['Mixed 6 audio channels down to stereo.']);
    expect(surround.expectation).toEqual({ container: 'mp3', audio: { count: 1, codec: 'mp3', maxChannels: 2, maxSampleRate: 48000 }, subtitles: 0, durationSeconds: 12, durationToleranceSeconds: 0.5, inputDurationSeconds: 12 });
    expect(plan('mp3', { codec: 'mp3', channels: 2, sampleRate: 48000 }).strategy).toBe('remux');
    expect(plan('mp3', { codec: 'mp3', channels: 2, sampleRate: 96000 }).strategy).toBe('encode');
    expect(plan('mp3', { codec: 'mp3', channels: 3, sampleRate: 44100 }).strategy).toBe('encode');
    expect(plan('mp3', { codec: 'mp2', channels: 2, sampleRate: 44100 }).strategy).toBe('encode');
    expect(plan('mp3', { codec: 'aac', channels: 2 }).notes).toEqual([]);
  });

  it('M4A: AAC at 192k for stereo and 64k a channel beyond, at most 8 channels and 96 kHz', () => {
    expect(plan('m4a', { codec: 'flac', channels: 6, sampleRate: 192000 }).outputOptions).toEqual([...head, '-c:a', 'aac', '-b:a', '384k', '-ac', '6', '-ar', '96000', '-movflags', '+faststart']);
    const wide = plan('m4a', { codec: 'pcm_s16le', channels: 10, sampleRate: 48000 });
    expect(wide.outputOptions).toEqual([...head, '-c:a', 'aac', '-b:a', '512k', '-ac', '8', '-ar', '48000', '-movflags', '+faststart']);
    expect(wide.notes).toEqual(['Mixed 10 audio channels down to 8 channels.']);
    expect(plan('m4a', { codec: 'mp3', channels: 2, sampleRate: 44100 }).outputOptions).toContain('192k');
    expect(plan('m4a', { codec: 'mp3', channels: 1, sampleRate: 44100 }).outputOptions).toContain('192k');
  });

  it('WAV: 24-bit stays 24-bit, float and 16-bit become 16-bit, PCM is copied', () => {
    const codec = (stream: Parameters<typeof audio>[0]) => argAfter(plan('wav', stream).outputOptions, '-c:a');
    expect(codec({ codec: 'flac', bitsPerSample: 24, sampleFormat: 's32' })).toBe('pcm_s24le');
    expect(codec({ codec: 'flac', bitsPerSample: 16, sampleFormat: 's16' })).toBe('pcm_s16le');
    expect(codec({ codec: 'flac', bitsPerSample: 17, sampleFormat: undefined })).toBe('pcm_s24le');
    expect(codec({ codec: 'aac', bitsPerSample: undefined, sampleFormat: 'fltp' })).toBe('pcm_s16le');
    expect(codec({ codec: 'pcm_f32le', bitsPerSample: 32, sampleFormat: 'flt' })).toBe('pcm_s16le');
    expect(codec({ codec: 'aac', bitsPerSample: 32, sampleFormat: 'fltp' })).toBe('pcm_s16le');
    expect(plan('wav', { codec: 'flac', bitsPerSample: 24, sampleFormat: 's32' }).outputOptions).toEqual([...head, '-c:a', 'pcm_s24le']);
    expect(codec({ codec: 'pcm_s24le' })).toBe('copy');
    expect(codec({ codec: 'pcm_s16le' })).toBe('copy');
    expect(plan('wav', { codec: 'aac', channels: 6, sampleRate: 44100 }).expectation.audio).toEqual({ count: 1, codec: 'pcm', maxChannels: 6, maxSampleRate: 44100 });
  });

  it('FLAC and OGG: copied when already so, else encoded with at most 8 channels (OGG at most 192 kHz)', () => {
    expect(plan('flac', { codec: 'flac' }).strategy).toBe('remux');
    expect(plan('flac', { codec: 'alac', channels: 10 }).outputOptions).toEqual([...head, '-c:a', 'flac', '-ac', '8']);
    expect(plan('flac', { codec: 'alac', channels: 2, sampleRate: 88200 }).expectation.audio).toMatchObject({ codec: 'flac', maxChannels: 2, maxSampleRate: 88200 });
    expect(plan('ogg', { codec: 'vorbis' }).strategy).toBe('remux');
    expect(plan('ogg', { codec: 'flac', channels: 10, sampleRate: 384000 }).outputOptions).toEqual([...head, '-c:a', 'libvorbis', '-q:a', '5', '-ac', '8', '-ar', '192000']);
    expect(plan('ogg', { codec: 'flac', channels: 2, sampleRate: 44100 }).expectation.audio).toMatchObject({ codec: 'vorbis', maxChannels: 2, maxSampleRate: 44100 });
  });

  it('OPUS: 128k stereo, 64k a channel with surround mapping beyond, always 48 kHz', () => {
    expect(plan('opus', { codec: 'aac', channels: 2, sampleRate: 44100 }).outputOptions).toEqual([...head, '-c:a', 'libopus', '-b:a', '128k', '-ac', '2']);
    expect(plan('opus', { codec: 'aac', channels: 3 }).outputOptions).toEqual([...head, '-c:a', 'libopus', '-b:a', '192k', '-ac', '3', '-mapping_family', '1']);
    expect(plan('opus', { codec: 'aac', channels: 12 }).outputOptions).toEqual([...head, '-c:a', 'libopus', '-b:a', '512k', '-ac', '8', '-mapping_family', '1']);
    expect(plan('opus', { codec: 'aac', channels: 2, sampleRate: 44100 }).expectation.audio).toMatchObject({ codec: 'opus', maxSampleRate: 48000 });
    expect(plan('opus', { codec: 'opus' }).outputOptions.slice(-2)).toEqual(['-c:a', 'copy']);
  });

  it('names the first of several tracks, takes the stream duration first, and says what is missing', () => {
    expect(plan('flac', { codec: 'flac' }, 3).notes).toEqual(['Used the first of 3 audio tracks.']);
    expect(plan('flac', { codec: 'flac' }, 1).notes).toEqual([]);
    const own = planAudioConversion(probedInput(probe({ video: [], durationSeconds: 12, audio: [audio({ index: 0, durationSeconds: 30 })] })), 'flac');
    expect(own.expectation.durationSeconds).toBe(30);
    expect(own.inputOptions).toEqual([]);
    expect(() => planAudioConversion(probedInput(probe({ audio: [] })), 'ogg')).toThrow('This file has no audio track, so it cannot become OGG.');
  });
});
