/** Small pictures of files for the window's rows, made only when a row is shown. */
export interface ThumbnailSource {
  /**
   * A small picture (a data: URL) of the first of `files` that has one: a video's frame or an image itself.
   * Null for sound, and for a file that is gone or cannot be read; never throws.
   */
  thumbnail(files: readonly string[]): Promise<string | null>;
}
