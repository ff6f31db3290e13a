import { copyFile, constants, link, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { candidateName, outputBaseName } from '../engine/run/outputFiles.js';
import { makeDirectories } from '../makeDirectories.js';

/** Moves a converted source into the done folder under the first free name (`name (1).ext`); never overwrites. */
export async function moveWithoutOverwrite(source: string, folder: string): Promise<string> {
  makeDirectories(folder);
  const name = path.basename(source);
  const base = outputBaseName(source);
  const extension = name.slice(base.length + 1);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const target = path.join(folder, extension ? candidateName(base, extension, attempt) : attempt === 0 ? base : `${base} (${attempt})`);
    try {
      await link(source, target).catch((error: NodeJS.ErrnoException) => {
        // Across devices, or a file system without links: an exclusive copy instead.
        if (!['EXDEV', 'EPERM', 'ENOTSUP', 'ENOSYS'].includes(error.code ?? '')) throw error;
        return copyFile(source, target, constants.COPYFILE_EXCL);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new AppError('OUTPUT_UNWRITABLE', `The source could not be moved to ${folder}: ${(error as Error).message}`);
    }
    await unlink(source);
    return target;
  }
  throw new AppError('OUTPUT_UNWRITABLE', `No free file name for ${name} in ${folder}.`);
}
