import { describe, expect, it } from 'vitest';
import { appFacts } from '../../main/core/facts';
import { offeredOptions, optionsFormOf, optionsFormProblems, optionsOfForm, parseMomentText } from '../../renderer/src/lib/optionsForm';
import { choicesByName, choicesFromPlan, offeredInputOf } from '../../renderer/src/lib/rowChoices';

const facts = appFacts();
const MB = facts.options.bytesPerMb;
const blank = optionsFormOf({ quality: 'balanced', stripMetadata: false, onConflict: 'keep-both' }, MB);

describe('the options form: a still\'s moment, a cut, speed, codec and loudness where core says they apply', () => {
  it('offers each by target, from the facts', () => {
    expect(offeredOptions(facts, 'mp4')).toEqual({ at: false, cut: true, speed: true, videoCodec: true, normalize: true, sizeLimit: true, sound: true, audioBitrate: true, resize: true });
    expect(offeredOptions(facts, 'mp3')).toEqual({ at: false, cut: true, speed: false, videoCodec: false, normalize: true, sizeLimit: true, sound: true, audioBitrate: true, resize: false });
    expect(offeredOptions(facts, 'jpg')).toEqual({ at: true, cut: false, speed: false, videoCodec: false, normalize: false, sizeLimit: false, sound: false, audioBitrate: false, resize: true });
    expect(offeredOptions(facts, 'webp')).toMatchObject({ at: true, cut: true, videoCodec: false, sizeLimit: true });
    expect(offeredOptions(facts, 'flac')).toMatchObject({ sound: true, audioBitrate: false, sizeLimit: false });
  });

  it('narrows them by what the input is, once known', () => {
    expect(offeredOptions(facts, 'webp', 'image')).toMatchObject({ at: false, cut: false, speed: false, sizeLimit: false, sound: false, resize: true });
    expect(offeredOptions(facts, 'gif', 'video')).toMatchObject({ cut: true, speed: true, sizeLimit: true, sound: false, normalize: false });
    expect(offeredOptions(facts, 'mp4', 'audio')).toMatchObject({ at: false, speed: false, videoCodec: false, resize: false, sound: true });
    expect(offeredOptions(facts, 'mp4', 'image')).toMatchObject({ cut: true, speed: true, sound: false });
    // A picture's size is its quality's: the engine refuses a size limit for any picture input, GIF included.
    expect(offeredOptions(facts, 'gif', 'image')).toMatchObject({ sizeLimit: false, cut: false, at: false });
  });

  it('offers a cut for a picture that moves to GIF or WEBP (its frames are kept by sharp: no speed, no size limit), as core\'s plan says it moves', () => {
    for (const target of ['gif', 'webp'] as const) expect(offeredOptions(facts, target, 'animation')).toMatchObject({ cut: true, at: false, speed: false, sizeLimit: false, sound: false, resize: true });
    expect(offeredOptions(facts, 'jpg', 'animation')).toEqual(offeredOptions(facts, 'jpg', 'image'));
    expect(offeredOptions(facts, 'mp4', 'animation')).toEqual(offeredOptions(facts, 'mp4', 'image'));
    const gif = { path: '/in/pigs.gif', kind: 'image' as const, targets: ['gif', 'webp', 'mp4'] as ('gif' | 'webp' | 'mp4')[], smart: { target: 'mp4' as const }, estimates: [] };
    expect(offeredInputOf(choicesFromPlan(facts, { ...gif, animated: true }))).toBe('animation');
    expect(offeredInputOf(choicesFromPlan(facts, gif))).toBe('image');
    expect(offeredInputOf(choicesByName(facts, 'pigs.gif')), 'a name cannot say that a GIF moves').toBe('image');
  });

  it('sends no hidden option, and names a size limit on a WEBP without a cut', () => {
    const form = { ...blank, maxSizeMb: '2', mono: true, audioKbps: '96', resize: '300' };
    expect(optionsOfForm(form, MB, offeredOptions(facts, 'jpg'))).toEqual({ quality: 'balanced', stripMetadata: false, onConflict: 'keep-both', resize: 300 });
    expect(optionsFormProblems({ ...blank, audioKbps: '4' }, facts, offeredOptions(facts, 'png'))).toEqual({});
    expect(optionsFormProblems({ ...blank, maxSizeMb: '2' }, facts, offeredOptions(facts, 'webp', 'video'))).toEqual({ maxSizeMb: expect.stringMatching(/fill in From or Until/) });
    expect(optionsFormProblems({ ...blank, maxSizeMb: '2', from: '0' }, facts, offeredOptions(facts, 'webp', 'video'))).toEqual({});
  });

  it('reads typed moments, sends only what the target takes, and round-trips saved options', () => {
    expect(parseMomentText('00:01:05.5')).toBe(65.5);
    expect(parseMomentText('1:30')).toBe(90);
    expect(parseMomentText('1:75')).toBeUndefined();
    const form = { ...blank, at: '2', from: '00:00:01', until: '3.5', speed: 'fast' as const, videoCodec: 'h265' as const, normalize: true };
    expect(optionsOfForm(form, MB, offeredOptions(facts, 'mp4'))).toEqual({ quality: 'balanced', stripMetadata: false, onConflict: 'keep-both', from: 1, until: 3.5, speed: 'fast', videoCodec: 'h265', normalize: true });
    expect(optionsOfForm(form, MB, offeredOptions(facts, 'png'))).toEqual({ quality: 'balanced', stripMetadata: false, onConflict: 'keep-both', at: 2 });
    expect(optionsFormOf({ quality: 'small', stripMetadata: false, onConflict: 'skip', from: 1, until: 3.5, videoCodec: 'av1' }, MB)).toMatchObject({ from: '1', until: '3.5', videoCodec: 'av1', speed: '' });
  });

  it('names what is wrong with a typed moment or cut, only where it is offered', () => {
    const mp4 = offeredOptions(facts, 'mp4');
    expect(optionsFormProblems({ ...blank, from: 'soon' }, facts, mp4)).toEqual({ from: expect.stringMatching(/A cut starts at a time such as 00:00:05/) });
    expect(optionsFormProblems({ ...blank, from: '4', until: '2' }, facts, mp4)).toEqual({ until: 'A cut ends after it starts.' });
    expect(optionsFormProblems({ ...blank, from: 'soon' }, facts, offeredOptions(facts, 'jpg'))).toEqual({});
    expect(optionsFormProblems({ ...blank, at: '2', from: '1' }, facts, offeredOptions(facts, 'webp'))).toEqual({ at: expect.stringMatching(/leave one of them empty/) });
  });
});
