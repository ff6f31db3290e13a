import type { ImageConverter, ImageConversion, ImageInfo, ImageRequest } from '../../main/core/engine/ports.js';

/** Loads sharp and the HEIC decoders on the first image job, so that audio and video batches start faster. */
export class LazyImageConverter implements ImageConverter {
  private loaded: Promise<ImageConverter> | undefined;

  constructor(private readonly load: () => Promise<ImageConverter>) {}

  async convert(request: ImageRequest, signal?: AbortSignal): Promise<ImageConversion> {
    return (await this.get()).convert(request, signal);
  }

  async inspect(path: string): Promise<ImageInfo> {
    return (await this.get()).inspect(path);
  }

  async meanLuminance(path: string): Promise<number> {
    return (await this.get()).meanLuminance(path);
  }

  private get(): Promise<ImageConverter> {
    this.loaded ??= this.load();
    return this.loaded;
  }
}
