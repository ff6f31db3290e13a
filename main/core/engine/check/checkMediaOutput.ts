import type { OutputExpectation } from '../plan/ffmpegPlan.js';
import { HDR_TRANSFERS, type MediaProbe } from '../identify/media.js';

/** Compares a probed output with what its plan promised; returns what is wrong in plain words (empty when it passes). */
export function checkMediaOutput(output: MediaProbe, expected: OutputExpectation): string[] {
  const problems: string[] = [];
  if (!output.container.split(',').includes(expected.container)) {
    problems.push(`the output is ${output.container}, not ${expected.container}`);
  }
  const wantVideo = expected.video;
  const video = output.video[0];
  if (wantVideo) {
    if (!video) {
      problems.push('the output has no video stream');
    } else {
      if (video.codec !== wantVideo.codec) problems.push(`video codec is ${video.codec}, expected ${wantVideo.codec}`);
      if (wantVideo.pixelFormat && video.pixelFormat !== wantVideo.pixelFormat) problems.push(`pixel format is ${video.pixelFormat}, expected ${wantVideo.pixelFormat}`);
      if (wantVideo.limitedRange && (video.colorRange === 'pc' || video.pixelFormat?.startsWith('yuvj'))) problems.push('the picture is stored in full (JPEG) range, which players show with the wrong contrast');
      if (wantVideo.evenDimensions && (video.width % 2 !== 0 || video.height % 2 !== 0)) problems.push(`dimensions ${video.width}x${video.height} are not even`);
      if (video.width !== wantVideo.width || video.height !== wantVideo.height) problems.push(`dimensions are ${video.width}x${video.height}, expected ${wantVideo.width}x${wantVideo.height}`);
      if (video.rotation !== wantVideo.rotation) problems.push(`rotation is ${video.rotation}°, expected ${wantVideo.rotation}°`);
      if (wantVideo.sdr && video.colorTransfer && HDR_TRANSFERS.has(video.colorTransfer)) problems.push(`the output is still HDR (${video.colorTransfer})`);
    }
  } else if (video) {
    problems.push('the output has a video stream where none was expected');
  }
  if (output.audio.length !== expected.audio.count) problems.push(`the output has ${output.audio.length} audio tracks, expected ${expected.audio.count}`);
  for (const audio of output.audio) {
    if (expected.audio.codec && !audio.codec.startsWith(expected.audio.codec)) problems.push(`audio codec is ${audio.codec}, expected ${expected.audio.codec}`);
    if (audio.channels > (expected.audio.maxChannels ?? Infinity)) problems.push(`audio has ${audio.channels} channels, at most ${expected.audio.maxChannels} expected`);
    if (audio.sampleRate > (expected.audio.maxSampleRate ?? Infinity)) problems.push(`audio sample rate is ${audio.sampleRate} Hz, at most ${expected.audio.maxSampleRate} Hz expected`);
  }
  if (output.subtitles.length !== expected.subtitles) problems.push(`the output has ${output.subtitles.length} subtitle tracks, expected ${expected.subtitles}`);
  const input = expected.inputDurationSeconds ?? 0;
  const lasts = output.durationSeconds ?? 0;
  if (lasts < input / 2) {
    problems.push(`the output lasts ${lasts.toFixed(2)} s, less than half of the input's ${input.toFixed(2)} s`);
  } else if (expected.durationSeconds !== undefined) {
    const got = output.durationSeconds;
    if (got === undefined) problems.push('the output has no duration');
    else if (Math.abs(got - expected.durationSeconds) > expected.durationToleranceSeconds) {
      problems.push(`the output lasts ${got.toFixed(2)} s, the input ${expected.durationSeconds.toFixed(2)} s`);
    }
  }
  return problems;
}
