/** Every failure the engine reports carries one of these codes. */
export const ERROR_CODES = [
  'USAGE',
  'INPUT_NOT_FOUND',
  'INPUT_EMPTY',
  'INPUT_UNREADABLE',
  'INPUT_CORRUPT',
  'FORMAT_UNRECOGNIZED',
  'PLAYLIST_REFUSED',
  'PAIR_UNSUPPORTED',
  'NO_AUDIO_STREAM',
  'NO_VIDEO_STREAM',
  'TOO_LARGE',
  'FFMPEG_FAILED',
  'IMAGE_FAILED',
  'OUTPUT_CHECK_FAILED',
  'OUTPUT_EXISTS',
  'SIZE_UNREACHABLE',
  'OPTION_UNSUPPORTED',
  'OUTPUT_UNWRITABLE',
  'OUTPUT_DISK_FULL',
  'DATA_FOLDER_UNWRITABLE',
  'TOOL_MISSING',
  'CANCELLED',
  'HOSTED_AUTH',
  'HOSTED_OUT_OF_CREDIT',
  'HOSTED_TOO_LARGE',
  'HOSTED_REJECTED',
  'HOSTED_RATE_LIMITED',
  'HOSTED_UNAVAILABLE',
  'HOSTED_NETWORK',
  'HOSTED_TIMEOUT',
  'HOSTED_PROTOCOL',
  'KEYCHAIN_UNAVAILABLE',
  'RULE_INVALID',
  'DATA_FOLDER_NEWER',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** The last lines of the tool's stderr, when a tool failed. */
  detail?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
  }

  toPayload(): ErrorPayload {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps anything thrown into an AppError without losing an existing code. */
export function toAppError(value: unknown, fallback: ErrorCode = 'INTERNAL'): AppError {
  if (value instanceof AppError) return value;
  if (value instanceof Error && value.name === 'AbortError') return new AppError('CANCELLED', 'Cancelled.');
  const message = value instanceof Error ? value.message : String(value);
  return new AppError(fallback, message);
}

export function cancelledError(): AppError {
  return new AppError('CANCELLED', 'Cancelled.');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Keeps the last lines of a tool's stderr for an error report. */
export function stderrTail(stderr: string, maxLines = 12, maxChars = 2000): string {
  const lines = stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(-maxLines).join('\n').slice(-maxChars);
}
