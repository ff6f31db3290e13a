import packageJson from '../../package.json';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirectory } from '../core/dataDirectory.js';
import { contractHandlers } from '../shell/contractHandlers.js';
import { createDesktopRuntime } from '../shell/desktopRuntime.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES } from '../web/uploadInbox.js';
import { startWebHost, type WebHost } from '../web/webHost.js';
import { locateApp } from './appFolders.js';
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

/** CONVERTR_UPLOAD_LIMIT_BYTES, else the hosted limit (1 GiB). */
export function uploadLimit(env: NodeJS.ProcessEnv): number {
  const raw = env['CONVERTR_UPLOAD_LIMIT_BYTES'];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_UPLOAD_LIMIT_BYTES;
}

/** `convertr serve`: the whole app in a browser on 127.0.0.1, with the real engine, until Ctrl-C. */
export async function serveCommand(args: ServeArgs, io: CliIo): Promise<number> {
  const app = locateApp();
  if (!app.renderer) throw new UsageError('The window has not been built yet: run "npm run build" first.');
  const rendererDir = app.renderer;
  const dataDir = dataDirectory(process.env, process.platform, homedir());
  const events: { host?: WebHost } = {};
  const runtime = createDesktopRuntime(dataDir, {
    jobUpdated: (view) => {
      events.host?.broadcast('job:update', view);
      // An uploaded copy is only needed until its job succeeds (or is skipped); a failed or cancelled one stays for Retry.
      if (view.status === 'succeeded' || view.status === 'skipped') void events.host?.inbox.release(view.input);
    },
    batchFinished: (outcome) => events.host?.broadcast('batch:finished', outcome),
    foldersChanged: () => events.host?.broadcast('folders:changed', {}),
  });
  const handlers = contractHandlers(runtime.service, runtime.settings, runtime.watch, runtime, {
    version: packageJson.version,
    ffmpeg: runtime.ffmpeg,
    hardware: runtime.hardware,
    reveal: () => {},
    chooseFiles: async () => [],
    // The browser types a folder's path: a dialog here would open on the machine serving the page.
    chooseFolder: async () => null,
    settingsChanged: (settings) => events.host?.broadcast('settings:changed', settings),
    protectedFolders: { code: app.root, renderer: rendererDir, data: dataDir },
  }, runtime.reviewList);
  // A failed or cancelled upload is kept for Retry until the user clears it from the queue.
  const clearFinished = handlers['queue:clearFinished'];
  handlers['queue:clearFinished'] = async (request) => {
    const released = runtime.service.list().jobs.filter((job) => job.status === 'failed' || job.status === 'cancelled').map((job) => job.input);
    const result = await clearFinished(request);
    await Promise.all(released.map((input) => events.host?.inbox.release(input)));
    return result;
  };
  const host = await startWebHost({
    handlers,
    rendererDirectory: rendererDir,
    inboxDirectory: path.join(dataDir, 'inbox'),
    maxUploadBytes: uploadLimit(process.env),
    port: args.port,
    outputOf: (jobId) => runtime.service.committedOutputOf(jobId),
    succeededJobIds: () => runtime.service.list().jobs.filter((job) => job.status === 'succeeded' && job.output !== null).map((job) => job.id),
  });
  events.host = host;
  const keychainProblem = await runtime.prepare();
  if (keychainProblem) io.stderr(`${keychainProblem} Hosted conversions are anonymous until you register in Settings.`);
  runtime.service.restore();
  // Uploads still waiting in the review list are kept too.
  const stillNeeded = new Set([...runtime.service.list().jobs.filter((job) => job.status !== 'succeeded' && job.status !== 'skipped').map((job) => job.input), ...runtime.reviewList.get().map((row) => row.path)]);
  await host.inbox.clean(stillNeeded);
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
