import type { ConvertrBridge, EventChannel, EventPayload, InvokeChannel, InvokeRequest, InvokeResult } from '../../../preload/contract';

const TOKEN_KEY = 'convertr-token';

/** The per-run token of `convertr serve`: given once in the URL fragment, then kept for the tab's session. */
function takeToken(): string {
  const match = /token=([0-9a-f]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', window.location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Fired on window when the web host refuses the token (a stale tab after the host restarted). */
export const UNAUTHORIZED_EVENT = 'convertr:unauthorized';
/** Fired on window (detail: the sentence to show) when some dropped files could not be uploaded. */
export const UPLOAD_FAILED_EVENT = 'convertr:upload-failed';

/** Where the browser downloads a finished job's file (the web host checks the token and that the app wrote it). */
export function webDownloadUrl(jobId: number): string {
  return `/api/download/${jobId}?token=${encodeURIComponent(takeToken())}`;
}

/** Where the browser downloads every succeeded job's file as one ZIP (each checked as a single download is). */
export function webDownloadAllUrl(): string {
  return `/api/download-all?token=${encodeURIComponent(takeToken())}`;
}

/** False when the page was opened without the address's #token=… and this tab never had one. */
export function webTokenPresent(): boolean {
  return takeToken() !== '';
}

/** The same contract as the Electron bridge, over the web host's HTTP API and server-sent events. */
export function createWebBridge(): ConvertrBridge {
  const token = takeToken();
  let source: EventSource | undefined;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const ensureSource = () => {
    if (source) return source;
    source = new EventSource(`/api/events?token=${token}`);
    return source;
  };
  return {
    invoke: async <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResult<C>> => {
      try {
        const response = await fetch(`/api/invoke/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(request) });
        if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
        return (await response.json()) as InvokeResult<C>;
      } catch (error) {
        return { ok: false, error: { code: 'HOSTED_NETWORK', message: `The engine did not answer: ${(error as Error).message}` } };
      }
    },
    on: <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => {
      const events = ensureSource();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        const registered = set;
        events.addEventListener(channel, (event) => {
          const payload = JSON.parse((event as MessageEvent<string>).data) as unknown;
          for (const l of registered) l(payload);
        });
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
    pathsForDroppedFiles: async (files) => {
      const paths: string[] = [];
      const failures: string[] = [];
      for (const file of files) {
        const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: file });
        if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
        const result = (await response.json()) as { ok: boolean; value?: { path: string }; error?: { message: string } };
        if (result.ok && result.value) paths.push(result.value.path);
        else failures.push(`${file.name}: ${result.error?.message ?? `the upload failed (HTTP ${response.status})`}`);
      }
      if (failures.length > 0) window.dispatchEvent(new CustomEvent(UPLOAD_FAILED_EVENT, { detail: `Not added: ${failures.join('; ')}` }));
      return paths;
    },
  };
}
