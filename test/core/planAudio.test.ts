import { describe, expect, it } from 'vitest';
import { mp3SampleRate, planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { DEFAULT_OPTIONS } from '../../main/core/engine/plan/conversionOptions';
import { lameSampleRate } from '../../main/core/engine/plan/audioBitrateReach';
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

  it('WAV: 24-bit stays 24-bit, float PCM stays float, decoded lossy sound and 16-bit become 16-bit, PCM is copied', () => {
    const codec = (stream: Parameters<typeof audio>[0]) => argAfter(plan('wav', stream).outputOptions, '-c:a');
    expect(codec({ codec: 'flac', bitsPerSample: 24, sampleFormat: 's32' })).toBe('pcm_s24le');
    expect(codec({ codec: 'flac', bitsPerSample: 16, sampleFormat: 's16' })).toBe('pcm_s16le');
    expect(codec({ codec: 'flac', bitsPerSample: 17, sampleFormat: undefined })).toBe('pcm_s24le');
    expect(codec({ codec: 'aac', bitsPerSample: undefined, sampleFormat: 'fltp' })).toBe('pcm_s16le');
    expect(codec({ codec: 'pcm_f32le', bitsPerSample: 32, sampleFormat: 'flt' })).toBe('copy');
    expect(codec({ codec: 'pcm_f64le', bitsPerSample: 64, sampleFormat: 'dbl' })).toBe('pcm_f32le');
    const monoFloat = planAudioConversion(probedInput(probe({ video: [], audio: [audio({ codec: 'pcm_f32le', channels: 2 })] })), 'wav', { conversion: { ...DEFAULT_OPTIONS, mono: true } });
    expect(argAfter(monoFloat.outputOptions, '-c:a')).toBe('pcm_f32le');
    expect(monoFloat.notes).toContain('Mixed 2 audio channels down to mono.');
    expect(codec({ codec: 'aac', bitsPerSample: 32, sampleFormat: 'fltp' })).toBe('pcm_s16le');
    expect(plan('wav', { codec: 'flac', bitsPerSample: 24, sampleFormat: 's32' }).outputOptions).toEqual([...head, '-c:a', 'pcm_s24le']);
    expect(codec({ codec: 'pcm_s24le' })).toBe('copy');
    expect(codec({ codec: 'pcm_s16le' })).toBe('copy');
    expect(plan('wav', { codec: 'aac', channels: 6, sampleRate: 44100 }).expectation.audio).toEqual({ count: 1, codec: 'pcm', maxChannels: 6, maxSampleRate: 44100 });
  });

  it('FLAC and OGG: copied when already so, else encoded with at most 8 channels (OGG at most 192 kHz)', () => {
    expect(plan('flac', { codec: 'flac' }).strategy).toBe('remux');
    // Float PCM has its peak measured first (peakHeadroom.ts); integer sound and a normalised one do not.
    expect(plan('flac', { codec: 'pcm_f32le' }).peakTracks).toEqual([{ inputIndex: 0, outIndex: 0, target: 'FLAC', lossy: false }]);
    // Lossy targets too: their players cut off what lies above full scale. WAV keeps float as float.
    for (const target of ['mp3', 'm4a', 'ogg', 'opus'] as const) {
      expect(plan(target, { codec: 'pcm_f32le' }).peakTracks).toEqual([{ inputIndex: 0, outIndex: 0, target: target.toUpperCase(), lossy: true }]);
      expect(plan(target, { codec: 'pcm_s24le' }).peakTracks).toBeUndefined();
    }
    expect(plan('wav', { codec: 'pcm_f64le' }).peakTracks).toBeUndefined();
    expect(plan('flac', { codec: 'pcm_s24le' }).peakTracks).toBeUndefined();
    expect(planAudioConversion(probedInput(probe({ video: [], audio: [audio({ codec: 'pcm_f32le' })] })), 'flac', { conversion: { ...DEFAULT_OPTIONS, normalize: true } }).peakTracks).toBeUndefined();
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

describe('planAudioConversion: a chosen bitrate the encoder cannot reach at the input\'s rate', () => {
  const withBitrate = (target: Parameters<typeof planAudioConversion>[1], kbps: number, stream: Parameters<typeof audio>[0]) =>
    planAudioConversion(probedInput(probe({ video: [], durationSeconds: 12, audio: [audio({ index: 0, codec: 'flac', ...stream })] })), target, { conversion: { ...DEFAULT_OPTIONS, audioBitrateKbps: kbps } });

  it('OGG lowers the sample rate, then the channels, and names what it lowered', () => {
    const ogg = withBitrate('ogg', 32, { channels: 2, sampleRate: 44100 });
    expect(ogg.outputOptions.slice(-6)).toEqual(['-b:a', '32k', '-ac', '2', '-ar', '24000']);
    expect(ogg.expectation.audio).toMatchObject({ maxChannels: 2, maxSampleRate: 24000 });
    expect(ogg.notes).toEqual(['Lowered the sample rate to 24 kHz: OGG at 32 kbps needs it.']);
    expect(withBitrate('ogg', 48, { channels: 2, sampleRate: 44100 }).notes).toEqual([]);
    expect(withBitrate('ogg', 128, { channels: 2, sampleRate: 96000 }).outputOptions.slice(-2)).toEqual(['-ar', '48000']);
    const eight = withBitrate('ogg', 8, { channels: 6, sampleRate: 48000 });
    expect(eight.outputOptions.slice(-6)).toEqual(['-b:a', '8k', '-ac', '1', '-ar', '8000']);
    expect(eight.notes).toEqual(['Mixed the sound down to mono and lowered the sample rate to 8 kHz: OGG at 8 kbps needs it.']);
  });

  it('MP3 takes the rate LAME takes for the bitrate; one above what a rate holds is lowered with a note', () => {
    expect(withBitrate('mp3', 8, { channels: 2, sampleRate: 44100 }).outputOptions).toEqual(expect.arrayContaining(['-b:a', '8k', '-ar', '8000']));
    expect(withBitrate('mp3', 32, { channels: 2, sampleRate: 44100 }).notes).toEqual(['Lowered the sample rate to 16 kHz, as LAME does for MP3 at 32 kbps.']);
    expect(withBitrate('mp3', 128, { channels: 2, sampleRate: 44100 }).notes).toEqual([]);
    const phone = withBitrate('mp3', 96, { channels: 1, sampleRate: 8000 });
    expect(phone.outputOptions).toEqual(expect.arrayContaining(['-b:a', '64k', '-ar', '8000']));
    expect(phone.notes).toEqual(['Made the sound at 64 kbps, the most MP3 holds for this sound (96 kbps was asked).']);
  });

  it('OPUS holds 256 kbps a channel; a sound below 8 kHz cannot be OGG at a bitrate and is refused', () => {
    expect(withBitrate('opus', 300, { channels: 1, sampleRate: 48000 }).outputOptions).toContain('256k');
    expect(withBitrate('opus', 8, { channels: 2, sampleRate: 44100 }).notes).toEqual([]);
    expect(() => withBitrate('ogg', 16, { channels: 1, sampleRate: 6000 })).toThrow(expect.objectContaining({ code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/^OGG at a chosen bitrate needs sound at 8 kHz or more/) }));
  });
});

describe('lameSampleRate', () => {
  // What `lame -b N` (3.100) printed as "Resampling: input 44.1 kHz output R kHz" for a stereo and a mono file.
  it.each([[8, 2, 8000], [24, 2, 8000], [32, 2, 16000], [40, 2, 16000], [48, 2, 22050], [64, 2, 24000], [96, 2, 32000], [112, 2, 44100], [128, 2, 44100],
    [8, 1, 8000], [16, 1, 16000], [32, 1, 22050], [40, 1, 24000], [56, 1, 32000], [64, 1, 44100]])('%i kbps, %i channels -> %i Hz', (kbps, channels, rate) => {
    expect(lameSampleRate(kbps, channels)).toBe(rate);
  });
});
