import type { FileConverter } from '../engine/run/fileConverter.js';
import { AppError, throwIfAborted } from '../errors.js';
import { isImageOutput, outputExtension, pairLabel } from '../formats.js';
import { identifyInput } from '../engine/identify/identifyInput.js';
import { skippedResult, type ConversionHooks, type ConversionRequest, type ConversionResult, type ProgressListener } from '../engine/run/localConverter.js';
import { abandonOutput, commitResult, conflictToSkip, prepareOutput } from '../engine/run/outputFiles.js';
import { describeOptions, engineOptionsChosen, normalizeOptions } from '../engine/plan/conversionOptions.js';
import { assertPairSupported } from '../pairs.js';
import type { Clock } from '../engine/ports.js';
import { HostedJobUnknown, type AcceptedJob, type HostedClient } from './hostedClient.js';
import { checkHostedOutput, type OutputInspectors } from './hostedOutputCheck.js';
import { strippedPhotoCopy } from './photoPrivacy.js';
import { HOSTED_UPLOAD_LIMIT_BYTES } from './hostedPlan.js';
import type { HostedCost } from './hostedResponses.js';

/** How long the upload, the service and the download took: what hybrid routing estimates hosted jobs from. */
export interface HostedTransfer {
  uploadBytes: number;
  uploadMs: number;
  serviceMs: number;
  downloadBytes: number;
  downloadMs: number;
}

export interface HostedConversionResult extends ConversionResult {
  hostedCost: HostedCost;
  transfer: HostedTransfer;
}

/** How one hosted job is sent: resumed or noted for a crash, and with or without the photo's location. */
export interface HostedJobOptions {
  /** A job the server accepted before a crash or a quit: polled, not uploaded again. */
  resumeFrom?: AcceptedJob | undefined;
  /** Notes a job the server accepts, as soon as it does. */
  accepted?(job: AcceptedJob): void;
  /** Strip GPS and camera serial numbers from a photo before it is uploaded. */
  stripPhotoMetadata?: boolean;
}

export interface HostedConverterDeps {
  client: Pick<HostedClient, 'convert' | 'resume'>;
  clock: Clock;
  inspectors: OutputInspectors;
  uploadLimitBytes?: number;
}

/** Upload progress is the first half of a hosted job, the download the second. */
const UPLOAD_SHARE = 0.5;

/** Converts one file through the hosted API with the local engine's guarantees: checked output, atomic commit, nothing left on failure. */
export class HostedConverter implements FileConverter {
  constructor(private readonly deps: HostedConverterDeps) {}

  async convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks: ConversionHooks = {}, durable: HostedJobOptions = {}): Promise<HostedConversionResult> {
    const started = this.deps.clock.now();
    const options = normalizeOptions(request.options);
    const input = await identifyInput(request.inputPath);
    assertPairSupported(input.format, request.target);
    if (engineOptionsChosen(options)) {
      throw new AppError('OPTION_UNSUPPORTED', `The hosted API converts with its own settings; ${describeOptions({ ...options, onConflict: 'keep-both' })} runs on this machine (--mode local).`);
    }
    const limit = this.deps.uploadLimitBytes ?? HOSTED_UPLOAD_LIMIT_BYTES;
    if (input.sizeBytes > limit) {
      throw new AppError('HOSTED_TOO_LARGE', `This file is ${(input.sizeBytes / 1024 ** 3).toFixed(2)} GB; the hosted API takes files up to ${(limit / 1024 ** 3).toFixed(0)} GB. Convert it locally with --mode local.`);
    }
    throwIfAborted(signal);
    const place = await prepareOutput(input.path, request.outputDir, outputExtension(request.target), options.onConflict, undefined, request.batchInputs, { ...(options.nameTemplate === undefined ? {} : { template: options.nameTemplate }), target: request.target, quality: options.quality });
    const existing = await conflictToSkip(place);
    if (existing) return { ...skippedResult(input, request.target, existing, this.deps.clock.now() - started), hostedCost: {}, transfer: { uploadBytes: 0, uploadMs: 0, serviceMs: 0, downloadBytes: 0, downloadMs: 0 }, ranOn: 'hosted' };
    const { temporary } = place;
    hooks.onTemporary?.(temporary);
    const clock = this.deps.clock;
    let uploaded: number | undefined;
    let downloading: number | undefined;
    try {
      const progress = {
        upload: (f: number) => {
          if (f >= 1 && uploaded === undefined) uploaded = clock.now();
          onProgress?.(f * UPLOAD_SHARE);
        },
        download: (f: number) => {
          downloading ??= clock.now();
          onProgress?.(UPLOAD_SHARE + f * (0.99 - UPLOAD_SHARE));
        },
        ...(durable.accepted ? { accepted: (job: AcceptedJob) => durable.accepted?.(job) } : {}),
      };
      const resumeFrom = durable.resumeFrom;
      if (resumeFrom) {
        uploaded = started;
        onProgress?.(UPLOAD_SHARE);
      }
      let download;
      let uploadedAgain = false;
      if (resumeFrom) {
        try {
          download = await this.deps.client.resume(new URL(resumeFrom.statusUrl), temporary, signal, progress);
        } catch (error) {
          // Only the service saying it no longer knows the job allows a second upload (and a second bill).
          if (!(error instanceof HostedJobUnknown) || (durable.stripPhotoMetadata && input.kind === 'image')) throw error;
          uploadedAgain = true;
          download = await this.deps.client.convert({ filePath: input.path, sizeBytes: input.sizeBytes, inputFormat: input.format, outputFormat: request.target }, temporary, signal, progress);
        }
      } else if (durable.stripPhotoMetadata && input.kind === 'image') {
        const stripped = await strippedPhotoCopy(input.path, input.format, request.scratchDir);
        if (!stripped) throw new AppError('HOSTED_REJECTED', `The location and serial numbers cannot be stripped from a ${input.format.toUpperCase()} file here, so it was not uploaded; convert it locally.`);
        try {
          download = await this.deps.client.convert({ filePath: stripped.path, sizeBytes: stripped.sizeBytes, inputFormat: input.format, outputFormat: request.target }, temporary, signal, progress);
        } finally {
          await stripped.remove();
        }
      } else {
        download = await this.deps.client.convert({ filePath: input.path, sizeBytes: input.sizeBytes, inputFormat: input.format, outputFormat: request.target }, temporary, signal, progress);
      }
      const received = clock.now();
      throwIfAborted(signal);
      const uploadEnd = uploaded ?? started;
      const downloadStart = downloading ?? received;
      const transfer: HostedTransfer = {
        uploadBytes: resumeFrom && !uploadedAgain ? 0 : input.sizeBytes,
        uploadMs: uploadEnd - started,
        serviceMs: Math.max(0, downloadStart - uploadEnd),
        downloadBytes: download.bytes,
        downloadMs: received - downloadStart,
      };
      await checkHostedOutput(temporary, input.path, request.target, this.deps.inspectors, signal);
      const notes = download.cost.creditsCharged !== undefined ? [`The hosted API charged ${download.cost.creditsCharged} credit(s).`] : [];
      if (uploadedAgain) notes.push('The hosted API no longer knew the job it had accepted earlier, so the file was uploaded again.');
      const result: HostedConversionResult = {
        inputPath: input.path,
        outputPath: '',
        inputFormat: input.format,
        target: request.target,
        pair: pairLabel(input.format, request.target),
        kind: input.kind,
        strategy: isImageOutput(request.target) && input.kind === 'image' ? 'image' : 'encode',
        notes,
        inputBytes: input.sizeBytes,
        outputBytes: download.bytes,
        runtimeMs: this.deps.clock.now() - started,
        hostedCost: download.cost,
        transfer,
        ranOn: 'hosted',
      };
      await commitResult(temporary, place, result, hooks.onCommit);
      onProgress?.(1);
      return result;
    } catch (error) {
      return abandonOutput(temporary, signal, error);
    }
  }
}
