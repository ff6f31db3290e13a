import { AppError } from '../errors.js';
import { ExchangeFailure } from './httpExchange.js';
import { serverWords } from './hostedResponses.js';

const limitText = (limitBytes: number) => `${(limitBytes / 1024 ** 3).toFixed(0)} GB`;

/** The outcome of an HTTP error status from the hosted API. */
export function errorForStatus(status: number, body: string, uploadLimitBytes: number, requestId?: string): AppError {
  const error = errorForStatusOnly(status, body, uploadLimitBytes);
  return requestId ? new AppError(error.code, `${error.message} (request id: ${requestId})`, error.detail) : error;
}

/** The request id a hosted error message carries, when the server sent one. */
export function requestIdIn(message: string): string | undefined {
  return /\(request id: ([\x21-\x7e]{1,128})\)$/.exec(message)?.[1];
}

function errorForStatusOnly(status: number, body: string, uploadLimitBytes: number): AppError {
  const words = serverWords(body);
  const said = words ? ` The server said: ${words}` : '';
  switch (status) {
    case 401:
      return new AppError('HOSTED_AUTH', `The hosted API rejected the token (${words ?? 'Unauthenticated.'}): register again with "convertr register", or run "convertr logout" to convert anonymously.`);
    case 402:
      return new AppError('HOSTED_OUT_OF_CREDIT', `The hosted account is out of credit.${said}`);
    case 413:
      return new AppError('HOSTED_TOO_LARGE', `The hosted API refused the file as too large (the limit is ${limitText(uploadLimitBytes)} or less on this plan); convert it locally with --mode local.${said}`);
    case 415:
    case 422:
      return new AppError('HOSTED_REJECTED', `The hosted API refused the request: ${words ?? `HTTP ${status} with no explanation`}`);
    case 429:
      return new AppError('HOSTED_RATE_LIMITED', `The hosted API kept answering "too many requests" after waiting as asked; try again later.${said}`);
    default:
      if (status >= 500) return new AppError('HOSTED_UNAVAILABLE', `The hosted API failed (HTTP ${status}); the job can be retried.${said}`);
      return new AppError('HOSTED_PROTOCOL', `The hosted API answered HTTP ${status}, which this client does not understand.${said}`);
  }
}

const UNREACHABLE_WORDS: Record<string, string> = {
  ENOTFOUND: 'the name does not resolve',
  EAI_AGAIN: 'the name cannot be looked up now',
  ECONNREFUSED: 'the connection was refused',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
};

/** Why a host could not be reached, in words: "the name does not resolve", not `getaddrinfo ENOTFOUND`. */
function unreachableWords(failure: ExchangeFailure): string {
  const code = (failure.cause as NodeJS.ErrnoException).code ?? '';
  return UNREACHABLE_WORDS[code] ?? failure.message;
}

/**
 * After the service accepted a job, these failures leave it there to be asked for again (its record is
 * kept): only a failed job, one the service no longer knows, or an answer that cannot be used ends it.
 */
export function leavesAcceptedJobPending(error: unknown): boolean {
  return error instanceof AppError && !['HOSTED_REJECTED', 'HOSTED_PROTOCOL', 'OUTPUT_CHECK_FAILED'].includes(error.code);
}

/** The outcome of a request that broke before any answer. */
export function errorForFailure(failure: ExchangeFailure, what: string, uploadLimitBytes: number, host = 'the hosted API'): AppError {
  if (failure.reason === 'cancelled') return new AppError('CANCELLED', 'Cancelled.');
  if (failure.reason === 'timeout') return new AppError('HOSTED_TIMEOUT', `The hosted API stopped responding during the ${what} (${failure.message}); the job can be retried.`);
  if (failure.phase === 'unreachable') return new AppError('HOSTED_NETWORK', `Cannot reach ${host} (${unreachableWords(failure)}); check the connection or convert locally.`);
  if (failure.phase === 'upload') {
    return new AppError('HOSTED_TOO_LARGE', `The hosted API closed the connection during the upload, which is how it refuses a file that is too large (limit ${limitText(uploadLimitBytes)}); convert it locally with --mode local.`);
  }
  return new AppError('HOSTED_NETWORK', `The connection to the hosted API broke during the ${what} (${failure.message}); the job can be retried.`);
}
