import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../main/core/engine/plan/conversionOptions';
import { loudnessAnalysisArgs, gainAndLimiterFilter, parseLoudnorm, withLoudness } from '../../main/core/engine/plan/loudness';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { audio, probe, probedInput } from '../helpers/probes';

const LOG = `[Parsed_loudnorm_0 @ 0x55a34a09c5c0] \n{\n\t"input_i" : "-35.26",\n\t"input_tp" : "-21.07",\n\t"input_lra" : "6.70",\n\t"input_thresh" : "-45.44",\n\t"output_i" : "-16.41",\n\t"output_tp" : "-3.32",\n\t"output_lra" : "4.60",\n\t"output_thresh" : "-26.59",\n\t"normalization_type" : "dynamic",\n\t"target_offset" : "0.41"\n}\n`;
const normalize = normalizeOptions({ normalize: true });

describe('loudness normalisation plans', () => {
  it('reads loudnorm\'s measurement and feeds it back for one linear gain, at the track\'s own sample rate', () => {
    const measured = parseLoudnorm(`Stream mapping: ...\n${LOG}`)!;
    expect(measured).toEqual({ integrated: -35.26, truePeak: -21.07 });
    expect(gainAndLimiterFilter({ inputIndex: 1, outIndex: 0, sampleRate: 44100 }, measured)).toBe('volume=19.26dB,aresample=44100');
    // Peaks that one gain would push past -1.5 dBTP are held there by a limiter.
    expect(gainAndLimiterFilter({ inputIndex: 1, outIndex: 0, sampleRate: 44100 }, { ...measured, truePeak: -10 })).toBe('volume=19.26dB,alimiter=limit=0.841:level=false,aresample=44100');
    expect(parseLoudnorm(LOG.replace('"-35.26"', '"-inf"'))).toBeUndefined();
    expect(() => parseLoudnorm('no measurement here')).toThrow(expect.objectContaining({ code: 'FFMPEG_FAILED' }));
  });

  it('a sound that would be copied is encoded, measured after its downmix, and the second pass carries the filter', () => {
    const input = probedInput(probe({ video: [], audio: [audio({ index: 2, codec: 'mp3', channels: 2, sampleRate: 44100 })] }));
    expect(planAudioConversion(input, 'mp3').strategy).toBe('remux');
    expect(planAudioConversion(input, 'mp3', { conversion: normalize }).strategy).toBe('encode');
    const plan = planAudioConversion(input, 'mp3', { conversion: normalizeOptions({ normalize: true, mono: true }) });
    expect(plan.strategy).toBe('encode');
    expect(plan.loudness).toEqual([{ inputIndex: 2, outIndex: 0, sampleRate: 44100, downmixTo: 1 }]);
    const analysis = loudnessAnalysisArgs({ inputOptions: ['-t', '5'] }, input, plan.loudness![0]!);
    expect(analysis.join(' ')).toMatch(/-t 5 -f mov -i file:\S+ -map 0:2 .*-af aformat=channel_layouts=mono,loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json -f null -$/);
    const ready = withLoudness(plan, [parseLoudnorm(LOG)]);
    expect(ready.outputOptions.slice(-2)).toEqual(['-filter:a:0', expect.stringMatching(/^aformat=channel_layouts=mono,volume=19\.26dB,aresample=44100$/)]);
    expect(ready.notes).toContain('Made the sound -16 LUFS loud (EBU R128; it was -35.3 LUFS).');
    expect(withLoudness(plan, [undefined]).outputOptions).not.toContain('-filter:a:0');
  });

  it('every sound track of a video is normalised while its picture is still copied', () => {
    const input = probedInput(probe({ audio: [audio({ index: 1, codec: 'aac' }), audio({ index: 2, codec: 'aac', sampleRate: 44100 })] }));
    expect(planVideoConversion(input, 'mp4').strategy).toBe('remux');
    const plan = planVideoConversion(input, 'mp4', { conversion: normalize });
    expect(plan.strategy).toBe('encode');
    expect(plan.outputOptions).toContain('-c:v');
    expect(plan.outputOptions[plan.outputOptions.indexOf('-c:v') + 1]).toBe('copy');
    expect(plan.loudness?.map((t) => [t.inputIndex, t.outIndex, t.sampleRate])).toEqual([[1, 0, 48000], [2, 1, 44100]]);
  });
});
