import { z } from 'zod';

/** Laravel's error body: `{"message": "...", "errors": {"field": ["..."]}}`. */
export const laravelErrorSchema = z.object({
  message: z.string().optional(),
  errors: z.record(z.string(), z.array(z.string()).or(z.string())).optional(),
});

const costFields = {
  credits_charged: z.number().nonnegative().optional(),
  minutes: z.number().nonnegative().optional(),
};

const downloadUrlFields = ['download_url', 'url', 'file_url', 'output_url'] as const;

/** A JSON success that points at the converted file. */
const downloadSchema = z.looseObject({
  download_url: z.string().optional(),
  url: z.string().optional(),
  file_url: z.string().optional(),
  output_url: z.string().optional(),
  ...costFields,
});

/** A queued conversion: `{"id", "status"}`, maybe with where to poll and, once done, where to download. */
export const jobSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  status: z.string(),
  status_url: z.string().optional(),
  poll_url: z.string().optional(),
  download_url: z.string().optional(),
  url: z.string().optional(),
  file_url: z.string().optional(),
  output_url: z.string().optional(),
  message: z.string().optional(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional(), code: z.string().optional() })]).optional(),
  ...costFields,
});
export type HostedJob = z.infer<typeof jobSchema>;

export const registrationSchema = z.object({
  message: z.string(),
  user: z.looseObject({ anonymous_api_client_cohort: z.string().nullable() }),
  token: z.object({ type: z.literal('Bearer'), plain_text_token: z.string().min(1) }),
  anonymous_access: z.object({ available: z.boolean(), upload_limit: z.union([z.number(), z.string()]).nullable() }),
});
export type RegistrationResponse = z.infer<typeof registrationSchema>;

export interface HostedCost {
  creditsCharged?: number;
  minutes?: number;
}

export type JsonSuccess =
  | { kind: 'download'; url: string; cost: HostedCost }
  | { kind: 'job'; job: HostedJob; cost: HostedCost };

export function downloadUrlOf(value: Record<string, unknown>): string | undefined {
  for (const field of downloadUrlFields) {
    const url = value[field];
    if (typeof url === 'string' && url !== '') return url;
  }
  return undefined;
}

export function costOf(value: { credits_charged?: number | undefined; minutes?: number | undefined }): HostedCost {
  const cost: HostedCost = {};
  if (value.credits_charged !== undefined) cost.creditsCharged = value.credits_charged;
  if (value.minutes !== undefined) cost.minutes = value.minutes;
  return cost;
}

/** Reads a JSON success body as a download link or a job; undefined when it is neither. */
export function parseJsonSuccess(value: unknown): JsonSuccess | undefined {
  const job = jobSchema.safeParse(value);
  if (job.success) return { kind: 'job', job: job.data, cost: costOf(job.data) };
  const download = downloadSchema.safeParse(value);
  if (download.success) {
    const url = downloadUrlOf(download.data);
    if (url) return { kind: 'download', url, cost: costOf(download.data) };
  }
  return undefined;
}

const SUCCEEDED = new Set(['succeeded', 'success', 'completed', 'complete', 'done', 'finished']);
const FAILED = new Set(['failed', 'failure', 'error', 'errored', 'cancelled', 'canceled', 'expired']);

export function jobState(job: HostedJob): 'succeeded' | 'failed' | 'pending' {
  const status = job.status.toLowerCase();
  if (SUCCEEDED.has(status)) return 'succeeded';
  if (FAILED.has(status)) return 'failed';
  return 'pending';
}

/** `message` plus each field's messages, as the server wrote them. */
export function serverWords(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = laravelErrorSchema.safeParse(parsed);
  if (!error.success) return undefined;
  const fields = Object.entries(error.data.errors ?? {}).map(([field, messages]) => `${field}: ${[messages].flat().join(' ')}`);
  const message = error.data.message?.trim();
  const parts = [message, ...fields.filter((f) => !message || !message.includes(f.slice(f.indexOf(': ') + 2)))].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' — ') : undefined;
}
