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
      for (const file of files) {
        const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: file });
        const result = (await response.json()) as { ok: boolean; value?: { path: string } };
        if (result.ok && result.value) paths.push(result.value.path);
      }
      return paths;
    },
  };
}
