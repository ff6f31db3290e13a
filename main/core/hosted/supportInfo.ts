import { requestIdIn } from './hostedErrors.js';

export interface SupportFacts {
  /** The service's `anonymous_api_client_cohort`, when registered. */
  cohort: string | null;
  pair: string;
  error: { code: string; message: string };
  /** When the job ended (ms since the epoch). */
  at: number | null;
  apiOrigin: string;
  /** Text that must never appear (the token, the raw label): replaced if the server echoed it. */
  secrets: readonly string[];
}

/**
 * What the service's API page asks users to quote to support about a failed hosted job: the cohort, the
 * pair (as "HEIC -> JPG"), the error code and the server's message, the time, and the request id if the
 * server sent one. Never the token or the raw label.
 */
export function supportInfoText(facts: SupportFacts): string {
  const redact = (text: string) => facts.secrets.filter((s) => s.trim().length >= 3).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const requestId = requestIdIn(facts.error.message);
  const message = requestId ? facts.error.message.replace(/\s*\(request id: [^)]*\)$/, '') : facts.error.message;
  const lines = [
    'Convertr hosted job: support info',
    `Cohort: ${facts.cohort ?? '(not registered: anonymous)'}`,
    `Pair: ${facts.pair.replace('->', ' -> ')}`,
    `Error code: ${facts.error.code}`,
    `Server message: ${redact(message)}`,
    `Time: ${facts.at === null ? '(unknown)' : new Date(facts.at).toISOString()}`,
    ...(requestId ? [`Request id: ${redact(requestId)}`] : []),
    `API: ${facts.apiOrigin}`,
  ];
  return lines.join('\n');
}
