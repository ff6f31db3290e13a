import { describe, expect, it } from 'vitest';
import { keptSpan, lateSound, needsStreamStarts, spanNote, spannedInput, trimWithinSpan, withoutSilentSound } from '../../main/core/engine/plan/keptSpan';
import { parseFfprobeJson } from '../../main/core/engine/identify/probeParse';
import { planGifConversions } from '../../main/core/engine/plan/planGif';
import { DEFAULT_OPTIONS } from '../../main/core/engine/plan/conversionOptions';
import { audio, probe, probedInput, subtitle, video } from '../helpers/probes';

/** An MKV's pictures end at 2 s while its sound runs to 4 s and an image subtitle to 5 s (ffprobe's report of such a file). */
const mkv = probe({
  container: 'matroska,webm', durationSeconds: 5,
  video: [video({ durationSeconds: 2, startSeconds: 0 })],
  audio: [audio({ durationSeconds: 4, startSeconds: 0 })],
  subtitles: [subtitle({ codec: 'hdmv_pgs_subtitle' })],
});

describe('the span of the streams an output keeps', () => {
  it('a GIF keeps the pictures, a video the pictures, sound and text subtitles; a file whose streams all run to its end keeps its own length', () => {
    expect(keptSpan(mkv, 'pictures')).toBe(2);
    expect(keptSpan(mkv, 'movie')).toBe(4);
    // An MKV keeps the image subtitles too, which may run to the file's end.
    expect(keptSpan(mkv, 'movie and subtitles')).toBeUndefined();
    expect(keptSpan({ ...mkv, subtitles: [] }, 'movie and subtitles')).toBe(4);
    // A text subtitle is kept in the video, and may run to the file's end.
    expect(keptSpan({ ...mkv, subtitles: [subtitle()] }, 'movie')).toBeUndefined();
    expect(keptSpan({ ...mkv, subtitles: [subtitle()] }, 'pictures')).toBe(2);
    // Within what the length check forgives (half a second), nothing changes.
    expect(keptSpan(probe({ video: [video({ durationSeconds: 9.6, startSeconds: 0 })], audio: [audio({ startSeconds: 0 })] }), 'pictures')).toBeUndefined();
    // Sound that starts 2 s in ends at the file's end.
    expect(keptSpan(probe({ durationSeconds: 4, video: [video({ durationSeconds: 4, startSeconds: 0 })], audio: [audio({ durationSeconds: 2, startSeconds: 2 })] }), 'movie')).toBeUndefined();
    // Pictures that start 2 s in end at 4 s, not at their 2 s length.
    expect(keptSpan(probe({ durationSeconds: 4, video: [video({ durationSeconds: 2, startSeconds: 2 })] }), 'pictures')).toBeUndefined();
  });

  it('a stream without its start (an MP4 read in this process) is not guessed at: ffprobe is asked when it ends noticeably early', () => {
    const read = probe({ durationSeconds: 4, video: [video({ durationSeconds: 2 })], audio: [audio({ durationSeconds: 4 })] });
    expect(keptSpan(read, 'pictures')).toBeUndefined();
    expect(needsStreamStarts(read, 'pictures')).toBe(true);
    expect(needsStreamStarts(probe({ durationSeconds: 10.02, video: [video({ durationSeconds: 10 })] }), 'pictures')).toBe(false);
    expect(needsStreamStarts(mkv, 'pictures')).toBe(false);
  });

  it('a GIF is planned and checked against its pictures\' 2 s, and says why it is shorter than the file', () => {
    const [gif] = planGifConversions(spannedInput(probedInput(mkv), 'pictures'), DEFAULT_OPTIONS);
    expect(gif!.durationSeconds).toBe(2);
    expect(gif!.expectation).toMatchObject({ durationSeconds: 2, inputDurationSeconds: 2 });
    expect(spanNote(mkv, 'pictures')).toEqual(["The video's pictures end at 00:00:02 while the file goes on to 00:00:05; the output holds the first 00:00:02."]);
    expect(spanNote(probe(), 'pictures')).toEqual([]);
  });

  it('a cut ends where the kept streams end; one that starts after the pictures end is refused in words', () => {
    expect(trimWithinSpan({ from: 1, length: 3 }, mkv, 'pictures')).toEqual({ from: 1, length: 1 });
    expect(trimWithinSpan({ from: 1, length: 4 }, mkv, 'movie')).toEqual({ from: 1, length: 3 });
    expect(() => trimWithinSpan({ from: 2.5, length: 1 }, mkv, 'movie')).toThrow(/pictures end at 00:00:02, so a cut from 00:00:02.5 would hold no picture; convert it to a sound format/);
    expect(trimWithinSpan({ from: 1, length: 3 }, probe(), 'pictures')).toEqual({ from: 1, length: 3 });
    // A sound cut ends with the sound (4 s), not with the image subtitles (5 s); one past its end holds nothing.
    expect(trimWithinSpan({ from: 1, length: 4 }, mkv, 'sound')).toEqual({ from: 1, length: 3 });
    expect(trimWithinSpan({ from: 2.5, length: 1 }, mkv, 'sound')).toEqual({ from: 2.5, length: 1 });
    expect(() => trimWithinSpan({ from: 4.5, length: 0.5 }, mkv, 'sound')).toThrow(/sound ends at 00:00:04, so a cut from 00:00:04.5 would hold no sound/);
  });

  it('sound that joins a video 2 s in: a sound output starts with it, a cut before it is refused, a video cut before it has no sound track', () => {
    const late = probe({ durationSeconds: 4, video: [video({ durationSeconds: 4, startSeconds: 0 })], audio: [audio({ durationSeconds: 2, startSeconds: 2 })] });
    expect(lateSound(late)).toEqual({ from: 2, length: 2 });
    expect(lateSound(probe({ audio: [audio({ startSeconds: 0.02 })] }))).toBeUndefined();
    expect(lateSound(probe())).toBeUndefined();
    expect(trimWithinSpan({ from: 0.5, length: 3.5 }, late, 'sound')).toEqual({ from: 2, length: 2 });
    expect(() => trimWithinSpan({ from: 0.5, length: 1 }, late, 'sound')).toThrow(/sound starts at 00:00:02, so a cut until 00:00:01.5 would hold no sound/);
    expect(withoutSilentSound(probedInput(late), { from: 0.5, length: 1 }).probe.audio).toEqual([]);
    expect(withoutSilentSound(probedInput(late), { from: 1.5, length: 1 }).probe.audio).toHaveLength(1);
    expect(withoutSilentSound(probedInput(probe()), { from: 0.5, length: 1 }).probe.audio).toHaveLength(1);
  });

  it('ffprobe\'s report gives each Matroska stream its DURATION tag and its start from the file\'s start', () => {
    const parsed = parseFfprobeJson({
      format: { format_name: 'matroska,webm', duration: '1.240000', start_time: '0.000000' },
      streams: [
        { index: 0, codec_type: 'video', codec_name: 'h264', width: 1080, height: 720, start_time: '0.000000', tags: { DURATION: '00:00:00.050000000' } },
        { index: 1, codec_type: 'audio', codec_name: 'ac3', channels: 2, start_time: '0.000000', tags: { 'DURATION-eng': '00:00:01.010000000' } },
        { index: 2, codec_type: 'subtitle', codec_name: 'hdmv_pgs_subtitle', start_time: '0.000000', tags: { DURATION: '00:00:01.240000000' } },
      ],
    });
    expect(parsed.video[0]).toMatchObject({ durationSeconds: 0.05, startSeconds: 0 });
    expect(parsed.audio[0]).toMatchObject({ durationSeconds: 1.01, startSeconds: 0 });
    expect(keptSpan(parsed, 'pictures')).toBeCloseTo(0.05);
  });
});
