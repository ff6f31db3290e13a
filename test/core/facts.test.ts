import { describe, expect, it } from 'vitest';
import { appFacts } from '../../main/core/facts';
import { DEFAULT_OPTIONS, optionsProblem, type ConversionOptions } from '../../main/core/engine/plan/conversionOptions';
import { OUTPUT_FORMATS, outputKind } from '../../main/core/formats';
import { targetsFor } from '../../main/core/pairs';
import { BUILT_IN_PRESETS } from '../../main/core/presets/presets';
import { appFactsSchema, concurrencySchema, invokeChannels } from '../../preload/contract';

describe('the facts core gives the window (app:facts)', () => {
  const facts = appFacts();

  it('match the contract, which answers them as they are', () => {
    expect(appFactsSchema.parse(facts)).toEqual(facts);
    expect(invokeChannels['app:facts'].response.parse(facts)).toEqual(facts);
  });

  it("list every target with its kind, and each kind of input's targets as the pair rules allow them", () => {
    expect(facts.outputFormats.map((f) => f.format)).toEqual([...OUTPUT_FORMATS]);
    for (const f of facts.outputFormats) expect(f.kind).toBe(outputKind(f.format));
    expect(facts.targetsByInputKind.video).toEqual([...targetsFor('mkv', { video: true })]);
    expect(facts.targetsByInputKind.audio).toEqual([...targetsFor('mkv', { video: false })]);
    expect(facts.targetsByInputKind.image).toEqual([...targetsFor('heic')]);
    expect(facts.inputFormats.find((f) => f.format === 'gif')?.targets).toEqual([...targetsFor('gif')]);
    // Every built-in preset makes a kind whose inputs can become its target: what a row's picker will offer.
    for (const preset of BUILT_IN_PRESETS) expect(facts.targetsByInputKind[outputKind(preset.target)]).toContain(preset.target);
  });

  it('say the plan sets no ceiling for pictures, and the contract takes what the plan allows', () => {
    expect(facts.planCeilings).toEqual({ video: 20, audio: 40, image: null });
    expect(concurrencySchema.safeParse({ video: 20, audio: 40, image: 300 }).success).toBe(true);
    expect(concurrencySchema.safeParse({ video: 21, audio: 40, image: 1 }).success).toBe(false);
  });

  it('offer each option (a still\'s moment, a cut, speed, codec, loudness) for exactly the targets the engine takes it for', () => {
    const takes = (option: keyof typeof facts.options.offered.any.mp4) => OUTPUT_FORMATS.filter((target) => facts.options.offered.any[target][option]);
    const asked = { at: { at: 1 }, cut: { from: 1, until: 2 }, speed: { speed: 'fast' }, videoCodec: { videoCodec: 'h265' }, normalize: { normalize: true } } as const;
    for (const [option, options] of Object.entries(asked) as [keyof typeof asked, Partial<ConversionOptions>][]) {
      expect(takes(option), option).toEqual(OUTPUT_FORMATS.filter((target) => optionsProblem({ ...DEFAULT_OPTIONS, ...options }, target) === undefined));
    }
    expect(takes('cut')).toEqual(expect.arrayContaining(['mp4', 'mp3', 'gif', 'webp']));
    expect(takes('cut')).not.toContain('jpg');
    expect([...takes('videoCodec')].sort()).toEqual(['mkv', 'mov', 'mp4']);
  });
});
