import { describe, expect, it } from 'vitest';
import { factsOfProbe } from '../../main/core/engine/identify/mediaFacts';
import { probe, video } from '../helpers/probes';

describe('the facts a row shows of a video', () => {
  it('give the size it is watched at: a 16:9 DVD is 1024x576, HDV 1920x1080, a turned clip portrait; square pixels as stored', () => {
    const size = (stream: Parameters<typeof video>[0]) => {
      const facts = factsOfProbe(probe({ durationSeconds: 4, video: [video(stream)], audio: [] }));
      return [facts.width, facts.height];
    };
    expect(size({ width: 720, height: 576, sampleAspectRatio: { num: 64, den: 45 } })).toEqual([1024, 576]);
    expect(size({ width: 1440, height: 1080, sampleAspectRatio: { num: 4, den: 3 } })).toEqual([1920, 1080]);
    expect(size({ width: 1440, height: 1080, sampleAspectRatio: { num: 4, den: 3 }, rotation: 90 })).toEqual([1080, 1920]);
    expect(size({ width: 1280, height: 720 })).toEqual([1280, 720]);
  });
});
