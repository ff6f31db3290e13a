import { AppError, throwIfAborted, toAppError } from '../../errors.js';
import { buildFfmpegArgs, buildFirstPassArgs, type FfmpegPlan, type ProbedInput } from '../plan/ffmpegPlan.js';
import { isAudioOutput, isImageOutput, isVideoOutput, outputExtension, pairLabel, type InputFormat, type MediaKind, type OutputFormat } from '../../formats.js';
import { BLACK_STILL_LUMINANCE, checkAnimation, checkImageOutput, checkStillOfVideo } from '../check/checkImageOutput.js';
import { checkMediaOutput } from '../check/checkMediaOutput.js';
import { identifyInput, isAnimatedPicture, refineFormat, type IdentifiedInput } from '../identify/identifyInput.js';
import { abandonOutput, commitResult, conflictToSkip, ensureScratch, openScratch, prepareOutput } from './outputFiles.js';
import { assertOptionsFit, normalizeOptions, type ConversionOptions } from '../plan/conversionOptions.js';
import { checkOutputSize } from '../plan/sizeBudget.js';
import { runWithinSizeLimit } from './sizeLimitedRun.js';
import path from 'node:path';
import { readMp3Output } from '../plan/mp3Output.js';
import { movieIndexBytes, probeMovieForAudio, probeMovieWithPictures } from '../identify/isoBmffProbe.js';
import type { MediaProbe } from '../identify/media.js';
import { currentJob } from '../../jobs/jobContext.js';
import { assertPairSupported } from '../../pairs.js';
import { planAudioConversion } from '../plan/planAudio.js';
import { planVideoConversion } from '../plan/planVideo.js';
import { planGifConversions } from '../plan/planGif.js';
import { cutWithoutSubtitles, keyFrameWindow, trimNeedsEncode, trimOf, trimmedInput, withTrim } from '../plan/trim.js';
import { planFrameGrab } from '../plan/planFrameGrab.js';
import { formatMoment } from '../plan/moments.js';
import { isAnimatedWebp, isFrameGrabTarget, type FrameGrabTarget } from '../plan/frameGrabTargets.js';
import { planAnimatedWebpConversions } from '../plan/planAnimatedWebp.js';
import { isReservedIndexTooSmall, withReservedIndex } from '../plan/reservedIndex.js';
import { SHARED_RUN_LOAD, sharedRunMember } from '../plan/sharedRun.js';
import { offeredOptions } from '../plan/offeredOptions.js';
import { lateSound, needsStreamStarts, spanNote, spannedInput, trimWithinSpan, withoutSilentSound, type Kept } from '../plan/keptSpan.js';
import { checkAnimatedWebp, readAnimatedWebp } from '../check/animatedWebpOutput.js';
import { cutShortError, cutShortInput, cutShortNote, cutShortOfConverted } from '../check/cutShortInput.js';
import { loudnessAnalysisArgs, parseLoudnorm, withLoudness } from '../plan/loudness.js';
import { parsePeakLevel, peakAnalysisArgs, withHeadroom } from '../plan/peakHeadroom.js';
import { withPeakReadInProcess } from '../plan/wavFloatPeak.js';
import type { Clock, EncoderLister, FfmpegRunner, ImageConverter, MediaProber } from '../ports.js';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { factsOfPicture, factsOfProbe, type MediaFacts } from '../identify/mediaFacts.js';
import type { CommittedFile, FileIdentitySet } from '../../fileIdentity.js';

export interface ConversionRequest {
  inputPath: string;
  target: OutputFormat;
  /** Folder for the output; beside the input when absent. */
  outputDir?: string;
  /** Re-encode even when a remux would do (benchmarks and tests). */
  forceReencode?: boolean;
  /**
   * The job's private folder for every file other than its one temporary output (decoder pictures, BMP
   * intermediates, downloads); created by the step that first needs it, removed when the job ends. A folder of its own under the
   * system's temporary folder when the caller has none.
   */
  scratchDir?: string;
  /** The temporary output's name, recorded when the job was claimed; used when it lies in the output folder. */
  temporaryPath?: string;
  /** Quality, size limit, resize, metadata and conflict policy; the defaults when absent. */
  options?: ConversionOptions;
  /** The inputs of the job's batch, which no output replaces (asked only when an output would replace a file). */
  batchInputs?: () => FileIdentitySet;
}

export interface ConversionResult {
  inputPath: string;
  outputPath: string;
  inputFormat: InputFormat;
  target: OutputFormat;
  pair: string;
  kind: MediaKind;
  strategy: 'remux' | 'encode' | 'image';
  notes: string[];
  inputBytes: number;
  outputBytes: number;
  runtimeMs: number;
  /** Set by the hosted converter; absent means this machine. */
  ranOn?: 'hosted';
  /** Set when nothing was converted on purpose (the conflict policy said skip): why, in the user's words. */
  skippedBecause?: string;
  /** Picture size and length of the input and the output, from the reads the job made anyway (absent for hosted jobs). */
  inputFacts?: MediaFacts;
  outputFacts?: MediaFacts;
  /** The output file as committed (device and inode): only this file is ever served as the job's output. */
  committed?: CommittedFile;
}

export interface LocalConverterPorts {
  prober: MediaProber;
  ffmpeg: FfmpegRunner;
  /** Asked before planning an H.265 or AV1 picture; without it the usual encoders are assumed. */
  encoders?: EncoderLister;
  images: ImageConverter;
  clock: Clock;
}

export interface LocalConverterOptions {
  /** Images above this many pixels are refused (decompression bombs). */
  maxImagePixels: number;
}

export const DEFAULT_MAX_IMAGE_PIXELS = 200_000_000;

const MUXER_DEMUXER: Record<string, string> = {
  mp4: 'mov', mov: 'mov', matroska: 'matroska', webm: 'matroska', avi: 'avi',
  mp3: 'mp3', wav: 'wav', flac: 'flac', ogg: 'ogg', opus: 'ogg',
};

export type ProgressListener = (fraction: number) => void;

/** The time a job's shared ffmpeg runs spent on the other members' files: not this job's runtime. */
interface SharedTally {
  othersMs: number;
}

/** Moments a persistent queue needs to know about to guarantee exactly-once outputs across crashes. */
export interface ConversionHooks {
  /** The temporary file is about to be written. */
  onTemporary?: (temporaryPath: string) => void;
  /**
   * The temporary file is about to become `result.outputPath` (called again if that name is taken); a hook that
   * records it durably writes `alongside` in the same transaction.
   */
  onCommit?: (result: ConversionResult, temporaryPath: string, alongside?: () => void) => void | Promise<void>;
}

/** Smaller than any picture: with no frame to encode, ffmpeg writes no JPEG or PNG and an 8-byte stub of a WEBP. */
const NO_PICTURE_BYTES = 16;

/** Whether ffmpeg wrote a picture. */
function pictureWritten(file: string): boolean {
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > NO_PICTURE_BYTES;
}

/** Converts one file on this machine: identify, plan, run, check the output, then move it into place. */
export class LocalConverter {
  constructor(private readonly ports: LocalConverterPorts, private readonly options: LocalConverterOptions = { maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS }) {}

  async convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks: ConversionHooks = {}): Promise<ConversionResult> {
    const started = this.ports.clock.now();
    const job = currentJob();
    const pausedBefore = job?.pausedMs() ?? 0;
    const shared: SharedTally = { othersMs: 0 };
    // Time the user held the job paused is not conversion time, nor the part of a shared ffmpeg run spent on the other files.
    const runtime = () => this.ports.clock.now() - started - ((job?.pausedMs() ?? 0) - pausedBefore) - shared.othersMs;
    const options = normalizeOptions(request.options);
    const identified = await identifyInput(request.inputPath);
    assertPairSupported(identified.format, request.target);
    assertOptionsFit(options, request.target);
    throwIfAborted(signal);
    const place = await prepareOutput(identified.path, request.outputDir, outputExtension(request.target), options.onConflict, request.temporaryPath, request.batchInputs, { ...(options.nameTemplate === undefined ? {} : { template: options.nameTemplate }), target: request.target, quality: options.quality });
    const existing = await conflictToSkip(place);
    if (existing) return skippedResult(identified, request.target, existing, this.ports.clock.now() - started);
    const { temporary } = place;
    hooks.onTemporary?.(temporary);
    const scratch = await openScratch(request.scratchDir);
    try {
      const done = isImageOutput(request.target) && identified.kind === 'image'
        ? await this.convertImage(identified, request, options, temporary, scratch.dir, signal)
        : await this.convertMedia(identified, request, options, temporary, scratch.dir, signal, onProgress, shared);
      throwIfAborted(signal);
      const outputBytes = statSync(temporary).size;
      const sizeProblems = checkOutputSize(outputBytes, done.sizeTarget);
      if (sizeProblems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The converted file failed its check: ${sizeProblems.join('; ')}.`);
      // A sound or video that passed its check although its input was cut short (a WAV, a live recording): it is said.
      const cut = isImageOutput(request.target) ? undefined : cutShortOfConverted(identified);
      const result: ConversionResult = {
        inputPath: identified.path,
        outputPath: '',
        inputFormat: done.format,
        target: request.target,
        pair: pairLabel(done.format, request.target),
        kind: done.kind,
        strategy: done.strategy,
        notes: cut ? [...done.notes, cutShortNote(cut)] : done.notes,
        inputBytes: identified.sizeBytes,
        outputBytes,
        runtimeMs: runtime(),
        ...(done.inputFacts ? { inputFacts: done.inputFacts } : {}),
        outputFacts: done.outputFacts,
      };
      await commitResult(temporary, place, result, hooks.onCommit);
      onProgress?.(1);
      return result;
    } catch (error) {
      return await abandonOutput(temporary, signal, inputToBlame(identified, error), place.directory);
    } finally {
      await scratch.remove();
    }
  }

  private async convertImage(input: IdentifiedInput, request: ConversionRequest, options: ConversionOptions, temporary: string, scratchDir: string, signal?: AbortSignal) {
    const target = request.target;
    if (!isImageOutput(target)) throw new AppError('PAIR_UNSUPPORTED', 'not an image target');
    const cut = options.from !== undefined || options.until !== undefined ? { from: options.from, until: options.until } : undefined;
    // Only a picture that moves is cut (its first bytes say whether it does).
    const offered = offeredOptions(target, cut && await isAnimatedPicture(input) ? 'animation' : 'image');
    if (options.at !== undefined && !offered.at) throw new AppError('OPTION_UNSUPPORTED', `--at picks the moment of a still of a video; this file is a picture already.`);
    if (cut && !offered.cut) throw new AppError('OPTION_UNSUPPORTED', 'A cut (--from, --until) applies to a video or a sound; this file is a picture.');
    if (options.maxSizeBytes !== undefined && !offered.sizeLimit) throw new AppError('OPTION_UNSUPPORTED', `A size limit applies to video and audio, and to a GIF made from a video; for a picture that becomes ${target.toUpperCase()} use a quality or a resize instead.`);
    // Picture decoding runs inside this process and cannot be suspended: a paused job waits here, before it.
    await currentJob()?.checkpoint(signal);
    throwIfAborted(signal);
    const conversion = await this.ports.images.convert(
      {
        inputPath: input.path, sourceFormat: input.format, target, outputPath: temporary, maxPixels: this.options.maxImagePixels, scratchDir,
        quality: options.quality, resize: options.resize, stripMetadata: options.stripMetadata,
        ...(input.wholeFile ? { inputBytes: input.wholeFile } : {}), ...(cut ? { cut } : {}),
      },
      signal,
    );
    const info = conversion.output ?? await this.ports.images.inspect(temporary);
    const problems = checkImageOutput(info, target, conversion.expectation);
    if (problems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The converted image failed its check: ${problems.join('; ')}.`);
    const outputFacts = factsOfPicture(info.width, info.height);
    const inputFacts = conversion.source ? factsOfPicture(conversion.source.width, conversion.source.height) : undefined;
    return { format: input.format, kind: input.kind, strategy: 'image' as const, notes: conversion.notes, sizeTarget: undefined, inputFacts, outputFacts };
  }

  private async convertMedia(input: IdentifiedInput, request: ConversionRequest, options: ConversionOptions, temporary: string, scratchDir: string, signal: AbortSignal | undefined, onProgress: ProgressListener | undefined, shared: SharedTally) {
    const animatedWebp = isAnimatedWebp(request.target, options);
    // Planned and checked against the streams the output keeps: an MKV's pictures may stop while its sound goes on.
    const kept: Kept | undefined = request.target === 'gif' || animatedWebp ? 'pictures' : request.target === 'mkv' ? 'movie and subtitles' : isVideoOutput(request.target) ? 'movie' : undefined;
    const timed: Kept | undefined = kept ?? (isAudioOutput(request.target) ? 'sound' : undefined);
    const read = inProcessProbe(input, request.target);
    const probe = read && !(timed && needsStreamStarts(read, timed)) ? read : await this.ports.prober.probe({ path: input.path, demuxer: input.demuxer, skipBytes: input.skipBytes }, signal)
      .catch((error: unknown) => { throw unreadableToBlame(input, error); });
    const refined = refineFormat(input, probe);
    assertPairSupported(refined.format, request.target, { video: probe.video.length > 0 });
    const probed = { ...refined, probe };
    if (isFrameGrabTarget(request.target) && !animatedWebp) return await this.grabFrame(probed, request.target, options, temporary, scratchDir, signal);
    // A GIF has attempts, best first: under a size limit the next (fewer frames, a smaller picture) runs when one is too large.
    const asked = trimOf(options, probe.durationSeconds);
    const late = !asked && timed === 'sound' ? lateSound(probe) : undefined;
    const trim = asked && timed ? trimWithinSpan(asked, probe, timed) : asked ?? late;
    const spanned = kept ? spannedInput(probed, kept) : probed;
    const heard = trim && isVideoOutput(request.target) ? withoutSilentSound(spanned, trim) : spanned;
    const subtitled = trim && isVideoOutput(request.target) ? cutWithoutSubtitles(heard) : { input: heard };
    const planned = trim ? trimmedInput(subtitled.input, trim) : heard;
    const holdsNotes = kept && (!trim || trim.length < asked!.length) ? spanNote(probe, kept) : [];
    if (heard.probe.audio.length < spanned.probe.audio.length) holdsNotes.push(heard.probe.audio.length === 0 ? 'The cut holds none of the sound, so the video has none.' : 'A sound track that holds nothing of the cut was left out.');
    if (subtitled.note) holdsNotes.push(subtitled.note);
    if (late) holdsNotes.push(`The sound starts ${formatMoment(late.from)} into the file, so the output starts with it.`);
    const cutsVideo = isVideoOutput(request.target) && probe.video.length > 0;
    // A cut's start is looked up among the key frames only when a copy could keep it.
    const keyFrames = trim && trim.from > 0 && cutsVideo && !request.forceReencode
      ? await this.ports.prober.keyFrameTimes?.({ path: refined.path, demuxer: refined.demuxer, skipBytes: refined.skipBytes }, keyFrameWindow(trim, probe.video[0]?.frameRate), signal)
      : undefined;
    const forceReencode = request.forceReencode || (trim !== undefined && trimNeedsEncode(trim, cutsVideo, keyFrames, probe.video[0]?.frameRate));
    const cut = (p: FfmpegPlan) => trim ? withTrim(p, trim, isVideoOutput(request.target) ? probe.video[0]?.frameRate : undefined, probe.audio[0]?.sampleRate) : p;
    const target = request.target;
    const encoders = options.videoCodec !== undefined && isVideoOutput(target) ? await this.ports.encoders?.encoders() : undefined;
    const planMedia = (reencode: boolean, conversion: ConversionOptions, bitrateScale?: number) => cut(isVideoOutput(target)
      ? planVideoConversion(planned, target, { forceReencode: reencode, conversion, passLogFile: path.join(scratchDir, 'pass'), bitrateScale, encoders })
      : planAudioConversion(planned, target as Parameters<typeof planAudioConversion>[1], { forceReencode: reencode, conversion, bitrateScale }));
    let plan: FfmpegPlan;
    if (target === 'gif' || animatedWebp) {
      const plans = (target === 'gif' ? planGifConversions(planned, options) : planAnimatedWebpConversions(planned, options)).map(cut);
      plan = plans[0]!;
      for (const [attempt, next] of plans.entries()) {
        plan = await this.runPlan(next, probed, temporary, scratchDir, signal, onProgress);
        const tooLarge = plan.sizeTarget !== undefined && statSync(temporary).size > plan.sizeTarget.maxBytes;
        if (!tooLarge || attempt === plans.length - 1) break;
        await rm(temporary, { force: true });
      }
    } else {
      let written = false;
      let ran: FfmpegPlan | undefined;
      const chosen = await runWithinSizeLimit(planMedia(forceReencode, options), {
        atBitrateScale: (scale) => planMedia(forceReencode, options, scale),
        atQuality: () => planMedia(forceReencode, { ...options, maxSizeBytes: undefined }),
      }, async (next, reuseFirstPass) => {
        if (written) await rm(temporary, { force: true });
        written = true;
        ran = await this.runPlan(next, probed, temporary, scratchDir, signal, onProgress, reuseFirstPass, shared);
        return statSync(temporary).size;
      });
      // What ran holds the measured loudness; the size runner's answer holds the limit the output is checked against.
      plan = { ...ran!, sizeTarget: chosen.sizeTarget, notes: [...new Set([...chosen.notes, ...ran!.notes])] };
    }
    if (animatedWebp) {
      // A clip shorter than two of the animation's frames becomes one picture, which libwebp writes as a still WEBP.
      const outputFacts = oneFrameClip(plan) ? await this.checkedAnimation(temporary, plan, 'webp', holdsNotes) : await checkedAnimatedWebp(temporary, plan);
      return { format: refined.format, kind: refined.kind, strategy: plan.strategy, notes: [...plan.notes, ...holdsNotes], sizeTarget: plan.sizeTarget, inputFacts: factsOfProbe(probe), outputFacts };
    }
    let output = await this.readOutput(plan, temporary, signal);
    let problems = checkMediaOutput(output, plan.expectation);
    if (problems.length > 0 && trim && plan.strategy === 'remux') {
      // A copy ends on the packets before the cut's end in decoding order: with B-frames a few later pictures come
      // along. A copied sound starts at the sync sample before the cut, which an MP4 may place at its very start.
      // Such a cut is made again by re-encoding, exact to the frame.
      await rm(temporary, { force: true });
      const exact = planMedia(true, options);
      const what = cutsVideo ? 'the video was' : 'the sound was';
      plan = await this.runPlan({ ...exact, notes: [...exact.notes, `A copy could not keep exactly the cut, so ${what} re-encoded.`] }, probed, temporary, scratchDir, signal, onProgress, false, shared);
      output = await this.readOutput(plan, temporary, signal);
      problems = checkMediaOutput(output, plan.expectation);
    }
    if (problems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The converted file failed its check: ${problems.join('; ')}.`);
    if (request.target === 'gif') await this.checkedAnimation(temporary, plan, 'gif', holdsNotes);
    return { format: refined.format, kind: refined.kind, strategy: plan.strategy, notes: [...plan.notes, ...holdsNotes], sizeTarget: plan.sizeTarget, inputFacts: factsOfProbe(probe), outputFacts: factsOfProbe(output) };
  }

  /** One still of a video through ffmpeg, checked as a picture: the planned size, and not black when the moment was ours to choose. */
  private async grabFrame(probed: ProbedInput & IdentifiedInput, target: FrameGrabTarget, options: ConversionOptions, temporary: string, scratchDir: string, signal?: AbortSignal) {
    let plan = planFrameGrab(probed, target, options);
    await this.runPlan(plan, probed, temporary, scratchDir, signal);
    // ffmpeg ends without a picture when the moment or window lies past the video track's last one (the file's
    // sound or subtitles going on longer).
    if (!pictureWritten(temporary) && options.at !== undefined) {
      // A moment past the last picture's start, within its time on screen (00:00:01 of a one-second clip), shows that picture.
      const earlier = options.at - 1.5 / (probed.probe.video[0]?.frameRate || 30);
      if (earlier >= 0) {
        const last = planFrameGrab(probed, target, { ...options, at: earlier });
        await rm(temporary, { force: true });
        await this.runPlan(last, probed, temporary, scratchDir, signal);
        plan = { ...last, notes: [`The last picture, which is on screen at ${formatMoment(options.at)}.`] };
      }
    }
    if (!pictureWritten(temporary)) {
      if (options.at !== undefined) throw new AppError('OPTION_UNSUPPORTED', `This video has no picture at ${formatMoment(options.at)}: its pictures end earlier in the file.`);
      plan = planFrameGrab(probed, target, options, true);
      await rm(temporary, { force: true });
      await this.runPlan(plan, probed, temporary, scratchDir, signal);
      if (!pictureWritten(temporary)) throw new AppError('INPUT_CORRUPT', 'No picture of this video could be decoded.');
    }
    const info = await this.ports.images.inspect(temporary);
    const luminance = await this.ports.images.meanLuminance(temporary);
    const problems = checkStillOfVideo(info, target, { ...plan.expectation.video!, chosen: options.at === undefined }, luminance);
    if (problems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The picture taken from the video failed its check: ${problems.join('; ')}.`);
    const notes = luminance <= BLACK_STILL_LUMINANCE ? [...plan.notes, 'The picture at that moment is black.'] : plan.notes;
    return { format: probed.format, kind: probed.kind, strategy: plan.strategy, notes, sizeTarget: undefined, inputFacts: factsOfProbe(probed.probe), outputFacts: factsOfPicture(info.width, info.height) };
  }

  /**
   * A GIF or WEBP read back as a picture and held to its plan: it moves, or, when the clip is shorter than two of its
   * frames, it is one picture, said in `notes`.
   */
  private async checkedAnimation(temporary: string, plan: FfmpegPlan, format: 'gif' | 'webp', notes: string[]): Promise<MediaFacts> {
    const info = await this.ports.images.inspect(temporary);
    const name = format.toUpperCase();
    const problems = checkAnimation(info, { format, width: plan.expectation.video!.width, height: plan.expectation.video!.height, oneFrame: oneFrameClip(plan) });
    if (problems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The converted ${name} failed its check: ${problems.join('; ')}.`);
    if (info.pages === 1) notes.push(`The video's pictures last ${formatMoment(plan.durationSeconds ?? 0)}, less than two of the ${name}'s frames, so the ${name} is one picture and does not move.`);
    return factsOfPicture(info.width, info.height);
  }

  /**
   * `reuseFirstPass`: the analysis pass of an earlier plan of this job holds (a size correction), so only the encoding
   * pass runs. With `shared`, a short sound may share its ffmpeg process with other jobs' (sharedRun.ts).
   */
  private async runPlan(asPlanned: FfmpegPlan, probed: ProbedInput, temporary: string, scratchDir: string, signal?: AbortSignal, onProgress?: ProgressListener, reuseFirstPass = false, shared?: SharedTally): Promise<FfmpegPlan> {
    const planned = await withPeakReadInProcess(asPlanned, probed, signal);
    const duration = planned.durationSeconds;
    // The passes share the progress bar: each loudness measurement, the analysis pass, then the encode.
    const measurements = planned.loudness ?? [];
    const peakPasses = planned.peakTracks?.length ?? 0;
    const firstPass = planned.firstPass !== undefined && !reuseFirstPass;
    const passes = measurements.length + peakPasses + (firstPass ? 2 : 1);
    const progressOfPass = (pass: number) => (seconds: number) => {
      if (duration && duration > 0) onProgress?.(Math.min(0.99, (pass + Math.min(1, seconds / duration)) / passes));
    };
    const member = shared && this.ports.ffmpeg.runShared ? sharedRunMember(planned, probed, temporary) : undefined;
    if (member && shared && this.ports.ffmpeg.runShared) {
      // Lighter is taken at once; the member joins its run in the same turn, while jobs that have not said yet what they take are still counted as on their way.
      void currentJob()?.setLoad(SHARED_RUN_LOAD, signal);
      const { runMs, share } = await this.ports.ffmpeg.runShared(member, { signal, onProgress: progressOfPass(0) });
      shared.othersMs += runMs * (1 - share);
      return planned;
    }
    // A job admitted as a likely member of a shared run that runs alone takes a whole slot again, once there is room.
    await currentJob()?.setLoad(1, signal);
    let plan = planned;
    if (measurements.length > 0) {
      const measured = [];
      for (const [i, track] of measurements.entries()) {
        await currentJob()?.checkpoint(signal);
        measured.push(parseLoudnorm(await this.ports.ffmpeg.analyse(loudnessAnalysisArgs(plan, probed, track), { signal, onProgress: progressOfPass(i) })));
      }
      plan = withLoudness(plan, measured);
    }
    if (plan.peakTracks) {
      const peaks = [];
      for (const [i, track] of plan.peakTracks.entries()) {
        await currentJob()?.checkpoint(signal);
        peaks.push(parsePeakLevel(await this.ports.ffmpeg.analyse(peakAnalysisArgs(plan, probed, track), { signal, onProgress: progressOfPass(measurements.length + i) })));
      }
      plan = withHeadroom(plan, peaks);
    }
    if (firstPass) {
      await ensureScratch(scratchDir);
      await currentJob()?.checkpoint(signal);
      await this.ports.ffmpeg.run(buildFirstPassArgs(plan, probed), { signal, onProgress: progressOfPass(passes - 2) });
    }
    const args = buildFfmpegArgs(plan, probed, temporary);
    const reserved = plan.strategy === 'remux' && probed.demuxer === 'mov' && !probed.skipBytes ? withReservedIndex(args, movieIndexBytes(probed.path)) : undefined;
    if (reserved) {
      try {
        await this.ports.ffmpeg.run(reserved, { signal, onProgress: progressOfPass(passes - 1) });
        return plan;
      } catch (error) {
        if (!isReservedIndexTooSmall(error)) throw error;
        await rm(temporary, { force: true });
      }
    }
    await this.ports.ffmpeg.run(args, { signal, onProgress: progressOfPass(passes - 1) });
    return plan;
  }

  private async readOutput(plan: FfmpegPlan, temporary: string, signal?: AbortSignal): Promise<MediaProbe> {
    const whole = plan.muxer === 'mp3' ? await readMp3Output(temporary).catch(() => undefined) : MOVIE_MUXERS.has(plan.muxer) ? readMovieOutput(temporary) : undefined;
    return whole ?? await this.ports.prober.probe({ path: temporary, demuxer: MUXER_DEMUXER[plan.muxer] ?? plan.muxer }, signal).catch((error: unknown) => {
      throw new AppError('OUTPUT_CHECK_FAILED', `The converted file cannot be read back: ${toAppError(error).message}`);
    });
  }
}

/**
 * An output that failed its check because its input ends partway through its own media (an MP4/MOV with its movie
 * header at the front, a Matroska/WebM, AVI, WAV, AIFF or MP3 whose declared sizes run past the file's end) is the input's
 * fault, and said so; any other error is left as it is.
 */
function inputToBlame(input: IdentifiedInput, error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'OUTPUT_CHECK_FAILED') return error;
  const cut = cutShortInput(input);
  return cut ? cutShortError(cut) : error;
}

/**
 * A file the prober cannot read whose own structure runs past its end is cut short, and said so: an MP4/MOV whose
 * index was to be written last (as phones and cameras write it) has none when a download or copy stops partway.
 */
function unreadableToBlame(input: IdentifiedInput, error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'INPUT_CORRUPT') return error;
  const cut = cutShortInput(input);
  if (!cut) return error;
  const said = cutShortError(cut);
  return new AppError(said.code, said.message, error.detail ?? error.message);
}

/** Whether a clip is shorter than two of the animation's frames, so that it makes one picture. */
function oneFrameClip(plan: FfmpegPlan): boolean {
  const frameSeconds = plan.expectation.frameSeconds;
  return frameSeconds !== undefined && plan.durationSeconds !== undefined && plan.durationSeconds < 2 * frameSeconds;
}

/** An animated WEBP read back in this process (ffprobe decodes none of its frames) and held to its plan. */
async function checkedAnimatedWebp(temporary: string, plan: FfmpegPlan): Promise<MediaFacts> {
  const expected = plan.expectation;
  const facts = await readAnimatedWebp(temporary).catch((error: unknown) => {
    throw new AppError('OUTPUT_CHECK_FAILED', `The converted file cannot be read back: ${(error as Error).message}.`);
  });
  const problems = checkAnimatedWebp(facts, { width: expected.video!.width!, height: expected.video!.height!, durationSeconds: expected.durationSeconds, toleranceSeconds: expected.durationToleranceSeconds });
  if (problems.length > 0) throw new AppError('OUTPUT_CHECK_FAILED', `The converted WEBP failed its check: ${problems.join('; ')}.`);
  return { width: facts.width, height: facts.height, durationSeconds: facts.durationSeconds };
}

/**
 * An MP4/MOV read in this process (see isoBmffProbe): for an audio target without the pictures' format, for any
 * other with it (H.264 only); undefined leaves it to ffprobe.
 */
function inProcessProbe(input: IdentifiedInput, target: OutputFormat): MediaProbe | undefined {
  if (input.demuxer !== 'mov' || input.skipBytes) return undefined;
  return isAudioOutput(target) ? probeMovieForAudio(input.path) : probeMovieWithPictures(input.path);
}

const MOVIE_MUXERS = new Set(['mp4', 'mov']);

/** An MP4/MOV output read back in this process when the movie reader vouches for all of it; undefined leaves it to ffprobe. */
function readMovieOutput(temporary: string): MediaProbe | undefined {
  try {
    return probeMovieWithPictures(temporary);
  } catch {
    return undefined;
  }
}

/** A job the conflict policy skipped: the file with the output's name stays as it is, and no work is done. */
export function skippedResult(input: IdentifiedInput, target: OutputFormat, existing: string, runtimeMs: number): ConversionResult {
  return {
    inputPath: input.path, outputPath: existing, inputFormat: input.format, target, pair: pairLabel(input.format, target), kind: input.kind,
    strategy: isImageOutput(target) && input.kind === 'image' ? 'image' : 'encode', notes: [], inputBytes: input.sizeBytes, outputBytes: 0, runtimeMs,
    skippedBecause: `${path.basename(existing)} already exists; left as it is (on conflict: skip).`,
  };
}
