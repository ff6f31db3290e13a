import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../main/core/engine/plan/conversionOptions';
import { buildFfmpegArgs } from '../../main/core/engine/plan/ffmpegPlan';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { SHARED_RUN_MAX_SECONDS, sharedRunArgs, sharedRunMember, soloRunArgs } from '../../main/core/engine/plan/sharedRun';
import { audio, probe, probedInput } from '../helpers/probes';

const clip = (name: string, seconds = 10) => probedInput(probe({ durationSeconds: seconds, audio: [audio({ index: 1, durationSeconds: seconds })] }), { path: `/in/${name}.mp4` });

describe('sharedRunMember', () => {
  it('runs alone exactly as buildFfmpegArgs would', () => {
    const input = clip('a');
    const plan = planAudioConversion(input, 'mp3');
    expect(soloRunArgs(sharedRunMember(plan, input, '/out/a.mp3')!)).toEqual(buildFfmpegArgs(plan, input, '/out/a.mp3'));
  });

  it('is not offered for what a shared process cannot do alone per file: long sound, loudness, a size limit, a video', () => {
    const long = clip('long', SHARED_RUN_MAX_SECONDS + 1);
    expect(sharedRunMember(planAudioConversion(long, 'mp3'), long, '/out/long.mp3')).toBeUndefined();
    const input = clip('a');
    expect(sharedRunMember(planAudioConversion(input, 'mp3', { conversion: { ...DEFAULT_OPTIONS, normalize: true } }), input, '/out/a.mp3')).toBeUndefined();
    expect(sharedRunMember(planAudioConversion(input, 'mp3', { conversion: { ...DEFAULT_OPTIONS, maxSizeBytes: 100_000 } }), input, '/out/a.mp3')).toBeUndefined();
    expect(sharedRunMember(planVideoConversion(input, 'mp4', { forceReencode: true }), input, '/out/a.mp4')).toBeUndefined();
  });
});

describe('sharedRunArgs', () => {
  it('opens every input, then writes each output from its own input and with its own options', () => {
    const inputs = [clip('a'), clip('b'), clip('c')];
    const members = inputs.map((input, i) => sharedRunMember(planAudioConversion(input, i === 2 ? 'opus' : 'mp3', { conversion: { ...DEFAULT_OPTIONS, stripMetadata: i === 1 } }), input, `/out/${i}`)!);
    const args = sharedRunArgs(members);
    expect(args.filter((a) => a === '-i')).toHaveLength(3);
    expect(args.lastIndexOf('-i')).toBeLessThan(args.indexOf('-map'));
    const outputs = args.join(' ').split(/ -n file:\/out\/\d/).slice(0, 3);
    expect(outputs[0]).toMatch(/-map 0:1 .*-map_metadata 0 .*libmp3lame/);
    // Stripping metadata (-map_metadata -1) names no input and is left as it is.
    expect(outputs[1]).toMatch(/-map 1:1 .*-map_metadata -1 .*libmp3lame/);
    expect(outputs[2]).toMatch(/-map 2:1 .*-map_metadata 2 .*libopus/);
  });
});
