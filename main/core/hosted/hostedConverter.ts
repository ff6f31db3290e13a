import type { FileConverter } from '../batch.js';
import { AppError, throwIfAborted } from '../errors.js';
import { isImageOutput, outputExtension, pairLabel } from '../formats.js';
import { identifyInput } from '../identifyInput.js';
import type { ConversionHooks, ConversionRequest, ConversionResult, ProgressListener } from '../localConverter.js';
import { abandonOutput, commitResult, prepareOutput } from '../outputFiles.js';
import { assertPairSupported } from '../pairs.js';
import type { Clock } from '../ports.js';
import type { HostedClient } from './hostedClient.js';
import { checkHostedOutput, type OutputInspectors } from './hostedOutputCheck.js';
import { HOSTED_UPLOAD_LIMIT_BYTES } from './hostedPlan.js';
import type { HostedCost } from './hostedResponses.js';

export interface HostedConversionResult extends ConversionResult {
  hostedCost: HostedCost;
}

export interface HostedConverterDeps {
  client: Pick<HostedClient, 'convert'>;
  clock: Clock;
  inspectors: OutputInspectors;
  uploadLimitBytes?: number;
}

/** Upload progress is the first half of a hosted job, the download the second. */
const UPLOAD_SHARE = 0.5;

/** Converts one file through the hosted API with the local engine's guarantees: checked output, atomic commit, nothing left on failure. */
export class HostedConverter implements FileConverter {
  constructor(private readonly deps: HostedConverterDeps) {}

  async convert(request: ConversionRequest, signal?: AbortSignal, onProgress?: ProgressListener, hooks: ConversionHooks = {}): Promise<HostedConversionResult> {
    const started = this.deps.clock.now();
    const input = await identifyInput(request.inputPath);
    assertPairSupported(input.format, request.target);
    const limit = this.deps.uploadLimitBytes ?? HOSTED_UPLOAD_LIMIT_BYTES;
    if (input.sizeBytes > limit) {
      throw new AppError('HOSTED_TOO_LARGE', `This file is ${(input.sizeBytes / 1024 ** 3).toFixed(2)} GB; the hosted API takes files up to ${(limit / 1024 ** 3).toFixed(0)} GB. Convert it locally with --mode local.`);
    }
    throwIfAborted(signal);
    const place = await prepareOutput(input.path, request.outputDir, outputExtension(request.target));
    const { temporary } = place;
    hooks.onTemporary?.(temporary);
    try {
      const download = await this.deps.client.convert(
        { filePath: input.path, sizeBytes: input.sizeBytes, inputFormat: input.format, outputFormat: request.target },
        temporary,
        signal,
        { upload: (f) => onProgress?.(f * UPLOAD_SHARE), download: (f) => onProgress?.(UPLOAD_SHARE + f * (0.99 - UPLOAD_SHARE)) },
      );
      throwIfAborted(signal);
      await checkHostedOutput(temporary, input.path, request.target, this.deps.inspectors, signal);
      const notes = download.cost.creditsCharged !== undefined ? [`The hosted API charged ${download.cost.creditsCharged} credit(s).`] : [];
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
      };
      await commitResult(temporary, place, result, hooks.onCommit);
      onProgress?.(1);
      return result;
    } catch (error) {
      return abandonOutput(temporary, signal, error);
    }
  }
}
