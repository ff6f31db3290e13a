import { describe, expect, it } from 'vitest';
import { planFiles } from '../../../main/core/app/dropPlan';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { useRealEngine } from '../../helpers/engine';
import { corpus } from '../../helpers/media';

/** What the window is told before Start, from the real files and the real ffprobe. */
describe('planFiles', () => {
  const engine = useRealEngine();

  it('gives each file its kind, the targets its pair allows and what Smart would do, with the reason for a skip', async () => {
    const prober = new FfprobeProber(engine().tools.ffprobe.path);
    const [heic, jpg, wav, broken, hdr, video] = await planFiles(
      ['heic/pug.heic', 'image/portrait_6.jpg', 'audio/ms-adpcm.wav', 'video/broken.mp4', 'video/hlg10-color-test.mp4', 'video/ios9.mov'].map(corpus),
      prober,
    );
    expect(heic).toMatchObject({ kind: 'image', smart: { target: 'jpg' } });
    expect(heic!.targets).not.toContain('mp4');
    expect(jpg).toMatchObject({ kind: 'image', smart: { skip: 'Already JPG: nothing to convert.' } });
    expect(wav).toMatchObject({ kind: 'audio', smart: { target: 'mp3' } });
    expect(wav!.targets).not.toContain('jpg');
    expect(broken!.smart).toEqual({ skip: expect.stringMatching(/damaged/) });
    expect(hdr!.smart).toEqual({ skip: expect.stringMatching(/HDR/) });
    expect(video).toMatchObject({ kind: 'video', smart: { target: 'mp4' } });
  });

  it('says which pictures move, so that the window offers them a cut to GIF or WEBP', async () => {
    const [gif, jpg] = await planFiles(['image/pigs_in_a_polka.gif', 'image/portrait_6.jpg'].map(corpus));
    expect(gif).toMatchObject({ kind: 'image', animated: true });
    expect(jpg!.animated).toBeUndefined();
  });
});
