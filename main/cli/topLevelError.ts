import path from 'node:path';
import { AppError } from '../core/errors.js';
import { adviceFor, plainMessage, plainSentenceFor } from '../core/errorWords.js';

/** What is wrong with the data folder, by the system's error code, in the user's words. */
const DATA_FOLDER_WORDS: Record<string, string> = {
  ENOTDIR: 'is not a folder (a file has its name)',
  EEXIST: 'is not a folder (a file has its name)',
  EACCES: 'cannot be written to',
  EPERM: 'cannot be written to',
  EROFS: 'is on a disk that cannot be written to',
  ENOSPC: 'is on a full disk',
};

const within = (file: string, folder: string) => file === folder || file.startsWith(`${folder}${path.sep}`) || folder.startsWith(`${file}${path.sep}`);

/**
 * An error that escaped a command, as the one line a person reads: plain words and what to do, never a stack;
 * `verbose` adds the code and the original words (and the stack of an error nobody expected).
 */
export function topLevelErrorText(error: unknown, { verbose, dataDirectory }: { verbose: boolean; dataDirectory: string }): string {
  const original = error instanceof Error ? error.message : String(error);
  const details = (code: string, text: string) => (verbose ? `\n    details: [${code}] ${text}` : '');
  if (error instanceof AppError) {
    const plain = plainMessage(error);
    return `convertr: ${plain} [${error.code}]${plain !== error.message ? details(error.code, error.message) : ''}`;
  }
  const errno = error as { code?: unknown; path?: unknown } | null;
  const code = typeof errno?.code === 'string' ? errno.code : undefined;
  const problem = code ? DATA_FOLDER_WORDS[code] : undefined;
  // Some callers name the path only in the message (`ENOTDIR: not a directory, mkdir '…'`).
  const where = typeof errno?.path === 'string' ? errno.path : /'([^']+)'/.exec(original)?.[1];
  if (problem && where !== undefined && within(path.resolve(where), dataDirectory)) {
    return `convertr: Convertr's data folder ${dataDirectory} ${problem}; set CONVERTR_HOME to a folder you can write to.${details(code!, original)}`;
  }
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `convertr: ${plainSentenceFor('INTERNAL')} ${adviceFor('INTERNAL')}${details(code ?? 'INTERNAL', original)}${stack}`;
}
