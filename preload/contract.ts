import { z } from 'zod';

/**
 * The one typed contract between the window and the main process. The renderer imports these types;
 * main validates every request and response against the schemas. Grows with the Electron shell issue.
 */
export const errorPayloadSchema = z.object({ code: z.string(), message: z.string(), detail: z.string().optional() });

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: errorPayloadSchema })]);

export const invokeChannels = {
  'app:info': {
    request: z.object({}),
    response: z.object({ version: z.string(), ffmpeg: z.string(), outputFormats: z.array(z.string()) }),
  },
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type InvokeResult<C extends InvokeChannel> = { ok: true; value: InvokeResponse<C> } | { ok: false; error: z.infer<typeof errorPayloadSchema> };

/** What preload/index.ts puts on `window.convertr`. */
export interface ConvertrBridge {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResult<C>>;
}
