import { describe, expect, it } from 'vitest';
import { mp3SampleRate, planAudioConversion } from '../../main/core/planAudio';
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
