import { OUTPUT_FORMATS } from '../core/formats.js';
import type { DesktopService } from '../core/app/desktopService.js';
import type { SettingsStore } from '../core/app/settingsStore.js';
import { concurrencyLimits, type Hardware } from '../core/concurrency.js';
import { AppError } from '../core/errors.js';
import type { Settings } from '../../preload/contract.js';
import type { HandlerMap } from './handleInvoke.js';

export interface ShellActions {
  version: string;
  ffmpeg: string;
  hardware: Hardware;
  reveal(file: string): void;
  chooseFiles(folders: boolean): Promise<string[]>;
  settingsChanged(settings: Settings): void;
}

/** Maps every invoke channel of the contract onto the desktop service and the shell's own actions. */
export function contractHandlers(service: DesktopService, settings: SettingsStore, shell: ShellActions): HandlerMap {
  const view = (): Settings => {
    const stored = settings.get();
    return { ...stored, concurrency: stored.concurrency ?? concurrencyLimits(shell.hardware).perLane };
  };
  const notAvailable = (what: string) => () => {
    throw new AppError('USAGE', `${what} is not available in this version yet.`);
  };
  return {
    'app:info': () => ({ version: shell.version, ffmpeg: shell.ffmpeg, outputFormats: [...OUTPUT_FORMATS] }),
    'queue:enqueue': ({ paths, target }) => service.enqueue(paths, target),
    'queue:get': () => service.list(),
    'queue:cancel': ({ jobId }) => ({ cancelled: service.cancel(jobId) }),
    'queue:retry': async ({ jobId }) => ({ jobId: await service.retry(jobId) }),
    'queue:clearFinished': () => ({ removed: service.clearFinished() }),
    'queue:pause': () => {
      service.pause();
      return { paused: true as const };
    },
    'queue:resume': () => {
      service.resume();
      return { paused: false as const };
    },
    'stats:get': ({ window }) => service.stats(Number(window.replace('d', ''))),
    'settings:get': () => view(),
    'settings:set': (change) => {
      settings.update(change);
      const next = view();
      shell.settingsChanged(next);
      return next;
    },
    'account:register': notAvailable('Registration with the hosted API'),
    'account:logout': notAvailable('Logging out of the hosted API'),
    'folders:list': notAvailable('Batch folders'),
    'folders:add': notAvailable('Batch folders'),
    'folders:remove': notAvailable('Batch folders'),
    'output:reveal': ({ jobId }) => {
      const output = service.outputOf(jobId);
      if (!output) return { revealed: false };
      shell.reveal(output);
      return { revealed: true };
    },
    'dialog:chooseFiles': async ({ folders }) => ({ paths: await shell.chooseFiles(folders) }),
  };
}
