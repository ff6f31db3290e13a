import { describe, expect, it } from 'vitest';
import { smartTarget, smartTargetForKind } from '../../main/core/engine/plan/smartTarget';

describe('smartTarget', () => {
  it('sends video to MP4, audio to MP3 and images to JPG', () => {
    expect(smartTarget({ format: 'mov', kind: 'video', animated: false })).toEqual({ target: 'mp4' });
    expect(smartTarget({ format: 'wav', kind: 'audio', animated: false })).toEqual({ target: 'mp3' });
    expect(smartTarget({ format: 'heic', kind: 'image', animated: false })).toEqual({ target: 'jpg' });
    expect(smartTarget({ format: 'gif', kind: 'image', animated: false })).toEqual({ target: 'jpg' });
  });

  it('sends an animated GIF to MP4 rather than a one-frame JPG', () => {
    expect(smartTarget({ format: 'gif', kind: 'image', animated: true })).toEqual({ target: 'mp4' });
  });

  it('skips an animation it cannot keep moving, and files already in the target format', () => {
    expect(smartTarget({ format: 'webp', kind: 'image', animated: true })).toEqual({ skip: expect.stringMatching(/WEBP is an animation/) });
    expect(smartTarget({ format: 'png', kind: 'image', animated: true })).toEqual({ skip: expect.stringMatching(/first frame/) });
    expect(smartTarget({ format: 'jpg', kind: 'image', animated: false })).toEqual({ skip: 'Already JPG: nothing to convert.' });
    expect(smartTarget({ format: 'mp3', kind: 'audio', animated: false })).toEqual({ skip: 'Already MP3: nothing to convert.' });
    expect(smartTarget({ format: 'mp4', kind: 'video', animated: false })).toEqual({ skip: 'Already MP4: nothing to convert.' });
    expect(smartTarget({ format: 'mp4', kind: 'audio', animated: false })).toEqual({ target: 'mp3' });
  });

  it('says why it leaves a file in its target format alone: damaged or HDR, not "already" converted', () => {
    const damaged = smartTarget({ format: 'mp4', kind: 'video', animated: false, streams: 'damaged' });
    const hdr = smartTarget({ format: 'mp4', kind: 'video', animated: false, streams: 'hdr' });
    expect(damaged).toEqual({ skip: expect.stringMatching(/^This MP4 looks damaged/) });
    expect(hdr).toEqual({ skip: expect.stringMatching(/^This MP4 is HDR video.*Pick MP4/) });
    expect(smartTarget({ format: 'mp3', kind: 'audio', animated: false, streams: 'damaged' })).toEqual({ skip: expect.stringMatching(/^This MP3 looks damaged/) });
  });

  it('goes by kind alone when the content could not be read, so that the job fails with its reason', () => {
    expect([smartTargetForKind('video'), smartTargetForKind('audio'), smartTargetForKind('image')]).toEqual(['mp4', 'mp3', 'jpg']);
  });
});
