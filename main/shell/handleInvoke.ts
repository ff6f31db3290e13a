import { ZodError } from 'zod';
import { AppError, toAppError } from '../core/errors.js';
import { invokeChannels, type InvokeChannel, type InvokeRequest, type InvokeResponse, type InvokeResult } from '../../preload/contract.js';

/** The part of Electron's IpcMainInvokeEvent the helper looks at. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}

/** The part of ipcMain the helper uses; the real ipcMain satisfies it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
}

export type Handler<C extends InvokeChannel> = (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C>;

export type HandlerMap = { [C in InvokeChannel]: Handler<C> };

/**
 * The one way IPC handlers are registered: the sender must be our own window's page, the arguments must
 * match the contract's schema, the response is validated too, and every outcome is `{ok, value}` or
 * `{ok: false, error}` (never a thrown Error across the bridge).
 */
export function registerInvokeHandlers(ipc: IpcMainLike, handlers: HandlerMap, isTrustedSender: (url: string) => boolean): void {
  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    ipc.handle(channel, (event, raw) => handleInvoke(channel, handlers[channel] as Handler<typeof channel>, event, raw, isTrustedSender));
  }
}

export async function handleInvoke<C extends InvokeChannel>(
  channel: C,
  handler: Handler<C>,
  event: InvokeEventLike,
  raw: unknown,
  isTrustedSender: (url: string) => boolean,
): Promise<InvokeResult<C>> {
  const url = event.senderFrame?.url ?? '';
  if (!isTrustedSender(url)) return { ok: false, error: { code: 'USAGE', message: `Refused ${channel} from an unknown page.` } };
  const schema = invokeChannels[channel];
  const request = schema.request.safeParse(raw ?? {});
  if (!request.success) return { ok: false, error: { code: 'USAGE', message: plainWords(request.error), detail: `Invalid arguments for ${channel}: ${describe(request.error)}` } };
  try {
    const value = await handler(request.data as InvokeRequest<C>);
    const response = schema.response.safeParse(value);
    if (!response.success) return { ok: false, error: { code: 'INTERNAL', message: `The answer to ${channel} did not match the contract: ${describe(response.error)}` } };
    return { ok: true, value: response.data as InvokeResponse<C> };
  } catch (error) {
    const appError = error instanceof AppError ? error : toAppError(error);
    return { ok: false, error: appError.toPayload() };
  }
}

/** "concurrency.video" → "the video concurrency"; "outputFolder" → "the output folder". */
function fieldWords(path: readonly PropertyKey[]): string {
  const words = path.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  if (words.length === 0) return 'the request';
  return `the ${words.reverse().join(' ').replace(/\bapi url\b/, 'API URL').replace(/\bid\b/, 'ID')}`;
}

/** A validation failure as a sentence a user can act on, e.g. "The output folder must not be empty." */
export function plainWords(error: ZodError): string {
  const sentences = error.issues.map((issue) => {
    const field = fieldWords(issue.path);
    const limit = 'minimum' in issue ? Number(issue.minimum) : 'maximum' in issue ? Number(issue.maximum) : undefined;
    let what: string;
    if (issue.code === 'too_small') what = issue.origin === 'string' ? (limit === 1 ? 'must not be empty' : `needs at least ${limit} characters`) : issue.origin === 'array' ? (limit === 1 ? 'must not be empty' : `needs at least ${limit} entries`) : `must be at least ${limit}`;
    else if (issue.code === 'too_big') what = issue.origin === 'string' ? `must be at most ${limit} characters long` : issue.origin === 'array' ? `takes at most ${limit} entries` : `must be at most ${limit}`;
    else if (issue.code === 'invalid_format' && issue.format === 'url') what = 'must be a full web address such as https://convertr.org';
    else if (issue.code === 'invalid_format' && issue.format === 'email') what = 'must be an email address such as you@example.com';
    else if (issue.code === 'invalid_value') what = 'is not one of the choices offered';
    else if (issue.code === 'unrecognized_keys') what = `does not take ${issue.keys.join(', ')}`;
    else if (issue.code === 'invalid_type' && issue.expected === 'int') what = 'must be a whole number';
    else if (issue.code === 'invalid_type') what = 'is missing or not the right kind of value';
    else what = 'is not valid';
    return `${field.charAt(0).toUpperCase()}${field.slice(1)} ${what}.`;
  });
  return [...new Set(sentences)].join(' ');
}

function describe(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`).join('; ');
}

/** Only pages loaded from the app's own renderer folder (or the dev server in development) may call in. */
export function trustedSenderCheck(rendererIndexUrl: string, devServerUrl?: string): (url: string) => boolean {
  const rendererBase = rendererIndexUrl.slice(0, rendererIndexUrl.lastIndexOf('/') + 1);
  return (url) => (url.startsWith('file://') && url.startsWith(rendererBase)) || (devServerUrl !== undefined && url.startsWith(devServerUrl));
}
