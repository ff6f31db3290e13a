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
  if (!request.success) return { ok: false, error: { code: 'USAGE', message: `Invalid arguments for ${channel}: ${describe(request.error)}` } };
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

function describe(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`).join('; ');
}

/** Only pages loaded from the app's own renderer folder (or the dev server in development) may call in. */
export function trustedSenderCheck(rendererIndexUrl: string, devServerUrl?: string): (url: string) => boolean {
  const rendererBase = rendererIndexUrl.slice(0, rendererIndexUrl.lastIndexOf('/') + 1);
  return (url) => (url.startsWith('file://') && url.startsWith(rendererBase)) || (devServerUrl !== undefined && url.startsWith(devServerUrl));
}
