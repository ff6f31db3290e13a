import { existsSync, readFileSync } from 'node:fs';
import events from 'node:events';
import timers from 'node:timers';
import url from 'node:url';
import v8 from 'node:v8';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type ConvertrBridge } from '../../preload/contract';
import { ROOT } from '../helpers/cli';

const PRELOAD = path.join(ROOT, 'out/preload/index.cjs');

/** The modules a sandboxed preload's `require` knows (Electron's "Process Sandboxing" guide): nothing else loads. */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

interface Recorded {
  exposed: Map<string, unknown>;
  invoked: { channel: string; request: unknown }[];
  listeners: Map<string, ((...args: unknown[]) => void)[]>;
  required: string[];
}

/** Runs the built preload as Electron's sandbox would: a fresh context, a limited `require`, a limited `process`. */
function runSandboxedPreload(): Recorded {
  const recorded: Recorded = { exposed: new Map(), invoked: [], listeners: new Map(), required: [] };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.set(key, api),
    },
    ipcRenderer: {
      // Electron clones what crosses to the main process: v8.serialize throws where its structured clone does.
      invoke: (channel: string, request: unknown) => {
        recorded.invoked.push({ channel, request: v8.deserialize(v8.serialize(request)) });
        return Promise.resolve({ ok: true, value: { channel } });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => recorded.listeners.set(channel, [...(recorded.listeners.get(channel) ?? []), listener]),
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => recorded.listeners.set(channel, (recorded.listeners.get(channel) ?? []).filter((l) => l !== listener)),
    },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
  };
  const modules: Record<string, unknown> = { electron, events, timers, url };
  const sandboxRequire = (name: string) => {
    recorded.required.push(name);
    if (!SANDBOX_MODULES.has(name)) throw new Error(`module not found: ${name}`);
    return modules[name];
  };
  const context = vm.createContext({
    require: sandboxRequire,
    module: { exports: {} },
    exports: {},
    console,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    process: { platform: process.platform, type: 'renderer', versions: { ...process.versions, electron: '45.5.0' }, env: {} },
  });
  vm.runInContext(readFileSync(PRELOAD, 'utf8'), context, { filename: PRELOAD });
  return recorded;
}

describe('the built preload in an emulated Electron sandbox', () => {
  it('has been built', () => {
    expect(existsSync(PRELOAD), 'run `npx electron-vite build` first').toBe(true);
  });

  it('requires nothing a sandboxed preload cannot load, and exposes exactly the bridge', () => {
    const recorded = runSandboxedPreload();
    expect(recorded.required.filter((name) => !SANDBOX_MODULES.has(name))).toEqual([]);
    expect([...recorded.exposed.keys()]).toEqual(['convertr']);
    expect(Object.keys(recorded.exposed.get('convertr') as object).sort()).toEqual(['invoke', 'on', 'pathsForDroppedFiles']);
  });

  it('sends every contract channel to ipcRenderer.invoke under its own name, and refuses others', async () => {
    const recorded = runSandboxedPreload();
    const bridge = recorded.exposed.get('convertr') as ConvertrBridge;
    for (const channel of INVOKE_CHANNELS) {
      const result = await bridge.invoke(channel, {} as never);
      expect(result).toEqual({ ok: true, value: { channel } });
    }
    expect(recorded.invoked.map((i) => i.channel)).toEqual(INVOKE_CHANNELS);
    const refused = await bridge.invoke('shell:openExternal' as never, {} as never);
    expect(refused.ok).toBe(false);
    expect(recorded.invoked).toHaveLength(INVOKE_CHANNELS.length);
  });

  it('delivers events from ipcRenderer to listeners and unsubscribes them', () => {
    const recorded = runSandboxedPreload();
    const bridge = recorded.exposed.get('convertr') as ConvertrBridge;
    for (const channel of EVENT_CHANNELS) {
      const seen: unknown[] = [];
      const off = bridge.on(channel, (payload) => seen.push(payload));
      const listeners = recorded.listeners.get(channel) ?? [];
      expect(listeners).toHaveLength(1);
      listeners[0]!({ sender: 'ipc' }, { from: channel });
      expect(seen).toEqual([{ from: channel }]);
      off();
      expect(recorded.listeners.get(channel)).toEqual([]);
    }
    expect(() => bridge.on('not:a:channel' as never, () => undefined)).toThrow(/Unknown event channel/);
  });

  it('turns dropped files into their paths through webUtils', async () => {
    const bridge = runSandboxedPreload().exposed.get('convertr') as ConvertrBridge;
    await expect(bridge.pathsForDroppedFiles([{ name: 'pug.heic' } as File])).resolves.toEqual(['/dropped/pug.heic']);
  });
});
