import { it } from 'vitest';
import { planVideoConversion } from '../main/core/planVideo';
import { audio, probe, probedInput, subtitle, video } from '../test/helpers/probes';
it('gen', () => {
  const p1 = planVideoConversion(probedInput(probe({ video: [video({ codec: 'hevc', profile: 'Main' })], audio: [audio({ index: 1, codec: 'ac3', channels: 6, sampleRate: 192000 })], subtitles: [subtitle({ index: 2 }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' }), subtitle({ index: 4, codec: 'dvd_subtitle' })] })), 'webm');
  console.log(JSON.stringify(p1.outputOptions), JSON.stringify(p1.notes), JSON.stringify(p1.expectation));
  const p2 = planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg4', pixelFormat: 'yuv420p', width: 640, height: 480 })], audio: [audio({ index: 1, codec: 'mp3', channels: 6, sampleRate: 96000 })], subtitles: [subtitle({ index: 2 })] }), { demuxer: 'avi', format: 'avi' }), 'avi');
  console.log(JSON.stringify(p2.outputOptions), JSON.stringify(p2.notes), JSON.stringify(p2.inputOptions), p2.strategy);
  const p3 = planVideoConversion(probedInput(probe({ subtitles: [subtitle({ index: 2, codec: 'mov_text' }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' })] })), 'mkv');
  console.log(JSON.stringify(p3.outputOptions), p3.strategy);
});
