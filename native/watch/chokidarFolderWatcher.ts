import { watch } from 'chokidar';
import path from 'node:path';
import type { FolderWatcher, FolderWatchOptions } from '../../main/core/watch/ports.js';

function isSameOrInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * chokidar over the OS's own notifications. It reports every add and change; deciding when a file is
 * complete is the core's stability monitor's job, so `awaitWriteFinish` stays off. Existing files are
 * left to the core's catch-up scan (`ignoreInitial`).
 */
export class ChokidarFolderWatcher implements FolderWatcher {
  async watch(options: FolderWatchOptions): Promise<() => Promise<void>> {
    const root = path.resolve(options.root);
    const watcher = watch(root, {
      ignoreInitial: true,
      persistent: true,
      depth: options.recursive ? undefined : 0,
      ignored: (file: string) => {
        const absolute = path.resolve(file);
        if (absolute !== root && path.basename(absolute).startsWith('.')) return true;
        return options.ignoreFolders.some((folder) => isSameOrInside(absolute, folder));
      },
    });
    watcher.on('add', (file: string) => options.onFile(path.resolve(file)));
    watcher.on('change', (file: string) => options.onFile(path.resolve(file)));
    watcher.on('error', (error: unknown) => options.onError(error instanceof Error ? error : new Error(String(error))));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return () => watcher.close();
  }
}
