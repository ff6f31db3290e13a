import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dataDirectory } from '../core/dataDirectory.js';
import { contractHandlers } from '../shell/contractHandlers.js';
import { createDesktopRuntime } from '../shell/desktopRuntime.js';
import { startWebHost, type WebHost } from '../web/webHost.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';

export interface ServeArgs {
  command: 'serve';
  port: number | undefined;
}

export function parseServeArgs(rest: string[]): ServeArgs {
  const { values } = parseArgs({ args: rest, strict: true, options: { port: { type: 'string' } } });
  if (values.port === undefined) return { command: 'serve', port: undefined };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number (0-65535), not "${values.port}".`);
  return { command: 'serve', port };
}

/** The built renderer: out/renderer beside the built CLI, or in the checkout when run from the sources. */
function rendererDirectory(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../out/renderer')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new UsageError('The window has not been built yet: run "npm run build" first.');
  return found;
}

/** `convertr serve`: the whole app in a browser on 127.0.0.1, with the real engine, until Ctrl-C. */
export async function serveCommand(args: ServeArgs, io: CliIo): Promise<number> {
  const rendererDir = rendererDirectory();
  const dataDir = dataDirectory(process.env, process.platform, homedir());
  const events: { host?: WebHost } = {};
  const runtime = createDesktopRuntime(dataDir, {
    jobUpdated: (view) => events.host?.broadcast('job:update', view),
    batchFinished: (outcome) => events.host?.broadcast('batch:finished', outcome),
    foldersChanged: () => events.host?.broadcast('folders:changed', {}),
  });
  const handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, { router: runtime.router, vault: runtime.vault }, {
    version: '0.1.0',
    ffmpeg: runtime.engine.tools.ffmpeg.path,
    hardware: runtime.hardware,
    reveal: () => {},
    chooseFiles: async () => [],
    settingsChanged: (settings) => events.host?.broadcast('settings:changed', settings),
  });
  const host = await startWebHost({ handlers, rendererDirectory: rendererDir, inboxDirectory: path.join(dataDir, 'inbox'), port: args.port });
  events.host = host;
  const keychainProblem = await runtime.router.loadToken();
  if (keychainProblem) io.stderr(`${keychainProblem} Hosted conversions are anonymous until you register in Settings.`);
  runtime.service.restore();
  await runtime.watch.startEnabled();
  io.stdout(`Convertr is serving on ${host.url}/#token=${host.token}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.offInterrupt(stop);
      resolve();
    };
    io.onInterrupt(stop);
  });
  await host.close();
  await runtime.close();
  return 0;
}
