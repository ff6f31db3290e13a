import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, durationTolerance } from '../../main/core/engine/plan/ffmpegPlan';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { audio, probe, probedInput, subtitle, video } from '../helpers/probes';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('planVideoConversion', () => {
  it('remuxes a playable H.264/AAC file into MP4 without re-encoding, keeping its rotation', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [video({ rotation: 90 })] })), 'mp4');
    expect(plan.strategy).toBe('remux');
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('copy');
    expect(plan.outputOptions).toContain('+faststart+use_metadata_tags');
    expect(plan.expectation.video).toMatchObject({ codec: 'h264', rotation: 90, width: 1920, height: 1080 });
  });

  it('turns a rotated picture upright in its pixels for MKV, which carries no rotation, instead of copying it sideways', () => {
    for (const codec of ['h264', 'hevc'] as const) {
      const plan = planVideoConversion(probedInput(probe({ video: [video({ codec, profile: 'Main', rotation: 90 })] })), 'mkv');
      expect(plan.strategy, codec).toBe('encode');
      expect(plan.expectation.video, codec).toMatchObject({ width: 1080, height: 1920, rotation: 0 });
      expect(plan.notes.join(' '), codec).toMatch(/MKV cannot hold the video's rotation, so the picture was turned upright/);
    }
    expect(planVideoConversion(probedInput(probe()), 'mkv').strategy).toBe('remux');
  });

  it('re-encodes HEVC to H.264 yuv420p and expects the displayed, rotated size with rotation 0', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'hevc', profile: 'Main', rotation: 90 })] })), 'mp4');
    expect(plan.strategy).toBe('encode');
    expect(argAfter(plan.outputOptions, '-c:v')).toBe('libx264');
    expect(argAfter(plan.outputOptions, '-vf')).toContain('format=yuv420p');
    expect(plan.expectation.video).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: 1080, height: 1920, rotation: 0 });
  });

  it('crops odd dimensions down to even ones (the last column and row)', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9', width: 161, height: 121 })], audio: [] })), 'mp4');
    expect(argAfter(plan.outputOptions, '-vf')).toContain('crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0');
    expect(plan.expectation.video).toMatchObject({ width: 160, height: 120, evenDimensions: true });
    expect(plan.expectation.audio.count).toBe(0);
  });

  it('tone-maps HLG HDR to SDR BT.709', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'hevc', pixelFormat: 'yuv420p10le', colorTransfer: 'arib-std-b67' })] })), 'mp4');
    const filters = argAfter(plan.outputOptions, '-vf')!;
    expect(filters).toContain('zscale=tin=arib-std-b67');
    expect(filters).toContain('tonemap=tonemap=hable');
    expect(argAfter(plan.outputOptions, '-color_trc')).toBe('bt709');
    expect(plan.notes.join()).toMatch(/HDR/);
  });

  it('keeps every audio track: copies AAC, encodes the rest to AAC', () => {
    const plan = planVideoConversion(probedInput(probe({ audio: [audio({ index: 1 }), audio({ index: 2, codec: 'ac3', channels: 6 })] })), 'mp4');
    expect(plan.outputOptions.join(' ')).toContain('-map 0:1 -c:a:0 copy -map 0:2 -c:a:1 aac -b:a:1 384k -ac:a:1 6');
    expect(plan.expectation.audio.count).toBe(2);
    expect(plan.strategy).toBe('encode');
  });

  it('converts text subtitles to mov_text and drops image subtitles with a note', () => {
    const plan = planVideoConversion(probedInput(probe({ subtitles: [subtitle({ index: 2 }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' })] })), 'mp4');
    expect(plan.outputOptions.join(' ')).toContain('-map 0:2 -c:s:0 mov_text');
    expect(plan.outputOptions.join(' ')).not.toContain('0:3');
    expect(plan.expectation.subtitles).toBe(1);
    expect(plan.notes.join()).toMatch(/image-based subtitles/);
  });

  it('keeps image subtitles in MKV and turns mov_text into SRT there', () => {
    const plan = planVideoConversion(probedInput(probe({ subtitles: [subtitle({ index: 2, codec: 'mov_text' }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' })] })), 'mkv');
    expect(plan.outputOptions.join(' ')).toContain('-c:s:0 srt');
    expect(plan.outputOptions.join(' ')).toContain('-c:s:1 copy');
  });

  it('leaves cover art and data streams out of the mapping', () => {
    const plan = planVideoConversion(probedInput(probe({ coverArt: [video({ index: 5, codec: 'mjpeg' })], otherStreamCount: 2 })), 'mp4');
    expect(plan.outputOptions.filter((a) => a.startsWith('0:'))).toEqual(['0:0', '0:1']);
  });

  it('refuses AVI for a file without pictures, and any video target for a file with neither pictures nor sound', () => {
    expect(() => planVideoConversion(probedInput(probe({ video: [] })), 'avi')).toThrow(expect.objectContaining({ code: 'NO_VIDEO_STREAM' }));
    expect(() => planVideoConversion(probedInput(probe({ video: [], audio: [] })), 'mp4')).toThrow(expect.objectContaining({ code: 'NO_VIDEO_STREAM' }));
  });

  it('forceReencode encodes even when a remux would do', () => {
    expect(planVideoConversion(probedInput(probe()), 'mp4', { forceReencode: true }).strategy).toBe('encode');
  });

  it('encodes WEBM as VP9 + Opus and AVI as MPEG-4 + MP3 with subtitles left out', () => {
    const webm = planVideoConversion(probedInput(probe()), 'webm');
    expect(argAfter(webm.outputOptions, '-c:v')).toBe('libvpx-vp9');
    expect(webm.outputOptions).toContain('libopus');
    const avi = planVideoConversion(probedInput(probe({ subtitles: [subtitle()] })), 'avi');
    expect(argAfter(avi.outputOptions, '-c:v')).toBe('mpeg4');
    expect(avi.outputOptions).toContain('libmp3lame');
    expect(avi.expectation.subtitles).toBe(0);
  });

  it('builds arguments that only open the probed demuxer on a local file and never overwrite', () => {
    const plan = planVideoConversion(probedInput(probe(), { path: '/in/-i evil.mp4' }), 'mp4');
    const args = buildFfmpegArgs(plan, { path: '/in/-i evil.mp4', demuxer: 'mov' }, '/out/.x.convertr-part');
    expect(args.slice(0, 7)).toEqual(['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1']);
    expect(argAfter(args, '-protocol_whitelist')).toBe('file');
    expect(args[args.indexOf('-i') - 1]).toBe('mov');
    expect(argAfter(args, '-i')).toBe('file:/in/-i evil.mp4');
    expect(args.slice(-2)).toEqual(['-n', 'file:/out/.x.convertr-part']);
  });

  it('regenerates timestamps for AVI input', () => {
    expect(planVideoConversion(probedInput(probe(), { demuxer: 'avi', format: 'avi' }), 'mp4').inputOptions).toEqual(['-fflags', '+genpts']);
  });
});

describe('planVideoConversion: pictures users actually have', () => {
  const vf = (overrides: Parameters<typeof video>[0], target: 'mp4' | 'webm' | 'avi' | 'mkv' = 'mp4') =>
    argAfter(planVideoConversion(probedInput(probe({ video: [video(overrides)] })), target).outputOptions, '-vf')!;

  it('turns JPEG-range, 4:2:2, 4:4:4 and 10/12-bit pictures into limited-range 8-bit 4:2:0, and expects exactly that', () => {
    for (const pixelFormat of ['yuvj420p', 'yuvj422p', 'yuv422p10le', 'yuv444p', 'yuv420p12le', 'gray']) {
      expect(vf({ codec: 'mjpeg', pixelFormat }), pixelFormat).toBe('scale=out_range=tv,format=yuv420p');
    }
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg4', pixelFormat: 'yuv420p', colorRange: 'pc' })] })), 'mp4');
    expect(argAfter(plan.outputOptions, '-color_range')).toBe('tv');
    expect(plan.expectation.video).toMatchObject({ pixelFormat: 'yuv420p', limitedRange: true });
  });

  it('converts RGB and paletted pictures with the BT.709 matrix and tags them so', () => {
    for (const pixelFormat of ['rgb24', 'bgra', 'pal8', 'gbrp10le', 'argb', 'rgb48le']) {
      expect(vf({ codec: 'qtrle', pixelFormat }), pixelFormat).toBe('scale=out_color_matrix=bt709:out_range=tv,format=yuv420p');
    }
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'png', pixelFormat: 'rgb24' })] })), 'webm');
    expect(argAfter(plan.outputOptions, '-colorspace')).toBe('bt709');
    const yuv = planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg2video', pixelFormat: 'yuv420p' })] })), 'mp4');
    expect(yuv.outputOptions).not.toContain('-colorspace');
  });

  it('evens odd widths or heights alone, in every encoded target', () => {
    expect(vf({ codec: 'vp9', width: 321, height: 240 })).toBe('crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0,scale=out_range=tv,format=yuv420p');
    expect(vf({ codec: 'h264', width: 320, height: 241 }, 'webm')).toContain('crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0');
    expect(vf({ codec: 'h264', width: 321, height: 241 }, 'avi')).toContain('crop=trunc(iw/2)*2');
    expect(vf({ codec: 'hevc', width: 320, height: 240 })).not.toContain('trunc');
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'h264', width: 321, height: 240 })] })), 'mkv');
    expect(plan.strategy).toBe('encode');
    expect(plan.expectation.video).toMatchObject({ width: 320, height: 240 });
    const rotated = planVideoConversion(probedInput(probe({ video: [video({ codec: 'hevc', width: 240, height: 321, rotation: 90 })] })), 'mp4');
    expect(rotated.expectation.video).toMatchObject({ width: 320, height: 240 });
  });

  it('refuses frames above 35,651,584 pixels with TOO_LARGE before any decoding, whatever the target', () => {
    for (const target of ['mp4', 'mkv', 'webm', 'avi'] as const) {
      expect(() => planVideoConversion(probedInput(probe({ video: [video({ width: 8192, height: 8192 })] })), target)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    }
    expect(() => planVideoConversion(probedInput(probe({ video: [video({ width: 8192, height: 4352 })] })), 'mp4')).not.toThrow();
    expect(() => planVideoConversion(probedInput(probe({ video: [video({ width: 8192, height: 4353 })] })), 'mp4')).toThrow(/8192x4353/);
  });

  it('puts sound alone into MP4/MOV/MKV/WEBM: every track, no video expected, faststart in MP4', () => {
    const input = probedInput(probe({ video: [], audio: [audio({ index: 0 }), audio({ index: 1, codec: 'mp3' })] }));
    const mp4 = planVideoConversion(input, 'mp4');
    expect(mp4.outputOptions.filter((a) => a.startsWith('0:'))).toEqual(['0:0', '0:1']);
    expect(mp4.outputOptions).toContain('-vn');
    expect(mp4.outputOptions).toContain('+faststart+use_metadata_tags');
    expect(mp4.expectation.video).toBeUndefined();
    expect(mp4.expectation.audio).toEqual({ count: 2, codec: undefined });
    expect(mp4.strategy).toBe('encode');
    expect(mp4.notes.join(' ')).toMatch(/sound only/);
    const webm = planVideoConversion(probedInput(probe({ video: [], audio: [audio({ index: 0, codec: 'opus' })] })), 'webm');
    expect(webm).toMatchObject({ muxer: 'webm', strategy: 'remux', expectation: { container: 'webm', audio: { count: 1 } } });
    expect(planVideoConversion(probedInput(probe({ video: [], audio: [audio({ index: 0 })] })), 'mov', { forceReencode: true }).strategy).toBe('encode');
  });
});

describe('buildFfmpegArgs and durationTolerance', () => {
  it('opens only the probed demuxer on a local file, skips junk before the stream, and never overwrites', () => {
    const plan = planVideoConversion(probedInput(probe()), 'mp4');
    const args = buildFfmpegArgs(plan, { path: '/in/-x.mp3', demuxer: 'mp3', skipBytes: 100000 }, '/out/.x.part');
    expect(args.slice(0, 15)).toEqual(['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1', '-protocol_whitelist', 'file', '-skip_initial_bytes', '100000', '-f', 'mp3', '-i', 'file:/in/-x.mp3']);
    expect(args.slice(-4)).toEqual(['-f', 'mp4', '-n', 'file:/out/.x.part']);
    expect(buildFfmpegArgs(plan, { path: '/in/a.mp4', demuxer: 'mov' }, '/o')).not.toContain('-skip_initial_bytes');
  });

  it('allows half a second or 3 % of the duration, whichever is larger', () => {
    expect(durationTolerance(undefined)).toBe(0.5);
    expect(durationTolerance(10)).toBe(0.5);
    expect(durationTolerance(100)).toBeCloseTo(3);
    expect(durationTolerance(1000)).toBeCloseTo(30);
  });
});

describe('planVideoConversion: the exact arguments of reviewed plans', () => {
  it('WEBM: VP9 limited-range 4:2:0, 5.1 Opus with surround mapping, text subtitles as WebVTT, image subtitles noted', () => {
    const plan = planVideoConversion(probedInput(probe({
      video: [video({ codec: 'hevc', profile: 'Main' })],
      audio: [audio({ index: 1, codec: 'ac3', channels: 6, sampleRate: 192000 })],
      subtitles: [subtitle({ index: 2 }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' }), subtitle({ index: 4, codec: 'dvd_subtitle' })],
    })), 'webm');
    expect(plan.outputOptions).toEqual(['-map', '0:0', '-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-deadline', 'good', '-cpu-used', '5', '-row-mt', '1', '-vf', 'scale=out_range=tv,format=yuv420p', '-color_range', 'tv', '-map', '0:1', '-c:a:0', 'libopus', '-b:a:0', '384k', '-ac:a:0', '6', '-mapping_family', '1', '-map', '0:2', '-c:s:0', 'webvtt', '-map_metadata', '0', '-max_muxing_queue_size', '4096']);
    expect(plan.notes).toEqual(['Left out 2 subtitle tracks: WEBM cannot hold image-based subtitles (hdmv_pgs_subtitle); WEBM cannot hold image-based subtitles (dvd_subtitle).']);
    expect(plan.expectation).toEqual({ container: 'webm', video: { codec: 'vp9', pixelFormat: 'yuv420p', limitedRange: true, evenDimensions: true, width: 1920, height: 1080, rotation: 0, sdr: true }, audio: { count: 1, codec: 'opus' }, subtitles: 1, durationSeconds: 10, durationToleranceSeconds: 0.5, inputDurationSeconds: 10 });
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9' })], audio: [audio({ codec: 'vorbis' })] })), 'webm').strategy).toBe('remux');
    expect(argAfter(planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9' })], audio: [audio({ codec: 'aac' })] })), 'webm').outputOptions, '-b:a:0')).toBe('128k');
  });

  it('AVI: MPEG-4 Part 2 copied, MP3 stereo at an MP3 rate, subtitles left out, timestamps regenerated', () => {
    const plan = planVideoConversion(probedInput(probe({
      video: [video({ codec: 'mpeg4', pixelFormat: 'yuv420p', width: 640, height: 480 })],
      audio: [audio({ index: 1, codec: 'mp3', channels: 6, sampleRate: 96000 })],
      subtitles: [subtitle({ index: 2 })],
    }), { demuxer: 'avi', format: 'avi' }), 'avi');
    expect(plan.outputOptions).toEqual(['-map', '0:0', '-c:v', 'copy', '-map', '0:1', '-c:a:0', 'libmp3lame', '-b:a:0', '192k', '-ac:a:0', '2', '-ar:a:0', '48000', '-map_metadata', '0', '-max_muxing_queue_size', '4096']);
    expect(plan.notes).toEqual(['Left out 1 subtitle track: AVI cannot hold subtitles.']);
    expect(plan.inputOptions).toEqual(['-fflags', '+genpts']);
    expect(plan.strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg4', pixelFormat: 'yuv420p' })], audio: [audio({ codec: 'mp3' })] })), 'avi').strategy).toBe('remux');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg4', pixelFormat: 'yuv420p', width: 321 })], audio: [] })), 'avi').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg4', pixelFormat: 'yuv422p' })], audio: [] })), 'avi').strategy).toBe('encode');
  });

  it('MKV: H.264/HEVC/VP9/AV1 and its audio copied, mov_text to SRT, image subtitles kept, chapters and attached files kept', () => {
    const plan = planVideoConversion(probedInput(probe({ subtitles: [subtitle({ index: 2, codec: 'mov_text' }), subtitle({ index: 3, codec: 'hdmv_pgs_subtitle' })] })), 'mkv');
    expect(plan.outputOptions).toEqual(['-map', '0:0', '-c:v', 'copy', '-map', '0:1', '-c:a:0', 'copy', '-map', '0:2', '-c:s:0', 'srt', '-map', '0:3', '-c:s:1', 'copy', '-map_metadata', '0', '-map_chapters', '0', '-map', '0:t?', '-c:t', 'copy', '-max_muxing_queue_size', '4096', '-avoid_negative_ts', 'make_zero']);
    expect(plan.expectation.video).toEqual({ codec: 'h264', evenDimensions: false, width: 1920, height: 1080, rotation: 0, sdr: true });
    for (const codec of ['hevc', 'vp9', 'av1', 'vp8']) expect(planVideoConversion(probedInput(probe({ video: [video({ codec, width: 321 })] })), 'mkv').strategy, codec).toBe('remux');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'mpeg2video' })] })), 'mkv').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'h264', height: 1081 })] })), 'mkv').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ audio: [audio({ codec: 'wmav2' })] })), 'mkv').strategy).toBe('encode');
  });

  it('MP4: AAC above 96 kHz is resampled to 48 kHz; a non-High H.264 profile or 4:2:2 is re-encoded; HDR is never remuxed into WEBM', () => {
    const plan = planVideoConversion(probedInput(probe({ audio: [audio({ codec: 'pcm_s24le', channels: 2, sampleRate: 192000 })] })), 'mp4');
    expect(plan.outputOptions.join(' ')).toContain('-c:a:0 aac -b:a:0 192k -ac:a:0 2 -ar:a:0 48000');
    expect(planVideoConversion(probedInput(probe({ audio: [audio({ codec: 'pcm_s24le', sampleRate: 96000 })] })), 'mp4').outputOptions).not.toContain('-ar:a:0');
    expect(planVideoConversion(probedInput(probe({ video: [video({ profile: 'High 4:4:4 Predictive' })] })), 'mp4').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ video: [video({ pixelFormat: 'yuv422p' })] })), 'mp4').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ video: [video({ profile: 'Constrained Baseline' })] })), 'mov').strategy).toBe('remux');
    expect(planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9', colorTransfer: 'smpte2084', pixelFormat: 'yuv420p10le' })], audio: [] })), 'webm').strategy).toBe('encode');
    expect(planVideoConversion(probedInput(probe({ subtitles: [subtitle({ codec: 'ass' })] })), 'mov').outputOptions.join(' ')).toContain('-c:s:0 mov_text');
    expect(planVideoConversion(probedInput(probe({ subtitles: [subtitle({ codec: 'dvd_subtitle' })] })), 'mov').notes).toEqual(['Left out 1 subtitle track: MOV cannot hold image-based subtitles (dvd_subtitle).']);
  });

  it('tone-maps HLG and PQ through linear light to BT.709 limited range', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [video({ codec: 'hevc', colorTransfer: 'arib-std-b67', pixelFormat: 'yuv420p10le' })] })), 'mp4');
    expect(argAfter(plan.outputOptions, '-vf')).toBe('zscale=tin=arib-std-b67:pin=bt2020:min=bt2020nc:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,scale=out_range=tv,format=yuv420p');
    expect(plan.outputOptions.join(' ')).toContain('-color_primaries bt709 -color_trc bt709 -colorspace bt709');
    expect(plan.notes).toEqual(['Converted HDR to SDR so that every screen shows the right colours.']);
  });
});

describe('planVideoConversion: what the first mutation run showed unguarded', () => {
  it('puts sound alone into MP4 with exactly these arguments, copying AAC and encoding the rest', () => {
    const plan = planVideoConversion(probedInput(probe({ video: [], audio: [audio({ index: 0 }), audio({ index: 1, codec: 'flac' })] })), 'mp4');
    expect(plan.outputOptions).toEqual(['-vn', '-sn', '-dn', '-map', '0:0', '-c:a:0', 'copy', '-map', '0:1', '-c:a:1', 'aac', '-b:a:1', '192k', '-ac:a:1', '2', '-map_metadata', '0', '-movflags', '+faststart+use_metadata_tags', '-map_chapters', '0']);
    expect(plan.inputOptions).toEqual([]);
    expect(plan.expectation.audio).toEqual({ count: 2, codec: undefined });
    expect(plan.notes).toEqual(['This file has sound only, so the MP4 holds audio alone.']);
    expect(() => planVideoConversion(probedInput(probe({ video: [] })), 'avi')).toThrow('This file has no video picture, so it cannot become AVI.');
  });

  it('expects the profile codec only when no audio track was copied', () => {
    expect(planVideoConversion(probedInput(probe()), 'mkv').expectation.audio).toEqual({ count: 1, codec: undefined });
    expect(planVideoConversion(probedInput(probe({ audio: [audio({ codec: 'wmav2' })] })), 'mkv').expectation.audio).toEqual({ count: 1, codec: 'aac' });
  });

  it('says how large a refused frame is, in megapixels', () => {
    expect(() => planVideoConversion(probedInput(probe({ video: [video({ width: 8192, height: 8192 })] })), 'mp4')).toThrow(
      "This video's pictures are 8192x8192 (67.1 megapixels), above the 35.7-megapixel limit of H.264 that also protects your computer's memory.",
    );
  });

  it('encodes AAC without resampling up to 96 kHz, WEBM copies VP8 and AV1 too, and stereo Opus needs no surround mapping', () => {
    const plan = planVideoConversion(probedInput(probe({ audio: [audio({ codec: 'pcm_s16le', sampleRate: 96000 })] })), 'mp4');
    expect(plan.outputOptions.slice(plan.outputOptions.indexOf('0:1') + 1, plan.outputOptions.indexOf('-map_metadata'))).toEqual(['-c:a:0', 'aac', '-b:a:0', '192k', '-ac:a:0', '2']);
    for (const codec of ['vp8', 'av1']) expect(planVideoConversion(probedInput(probe({ video: [video({ codec })], audio: [audio({ codec: 'opus' })] })), 'webm').strategy, codec).toBe('remux');
    const stereo = planVideoConversion(probedInput(probe({ video: [video({ codec: 'vp9' })], audio: [audio({ codec: 'aac', channels: 2 })] })), 'webm');
    expect(stereo.outputOptions.slice(stereo.outputOptions.indexOf('0:1') + 1, stereo.outputOptions.indexOf('-map_metadata'))).toEqual(['-c:a:0', 'libopus', '-b:a:0', '128k', '-ac:a:0', '2']);
  });

  it('adds nothing before the demuxer when there is no junk to skip', () => {
    const args = buildFfmpegArgs(planVideoConversion(probedInput(probe()), 'mp4'), { path: '/in/a.mp4', demuxer: 'mov' }, '/o');
    expect(args.slice(7, 13)).toEqual(['-protocol_whitelist', 'file', '-f', 'mov', '-i', 'file:/in/a.mp4']);
  });
});
