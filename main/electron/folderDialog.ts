import type { OpenDialogOptions } from 'electron';
import type { FolderPurpose } from '../../preload/contract.js';

const TITLES: Record<FolderPurpose, string> = {
  output: 'Choose the folder for converted files',
  watch: 'Choose the folder to watch',
  done: 'Choose the folder for converted originals',
};

/** One folder, which the user may create from the dialog; never files, never several. */
export function folderDialogOptions(purpose: FolderPurpose): OpenDialogOptions {
  return { title: TITLES[purpose], buttonLabel: 'Choose', properties: ['openDirectory', 'createDirectory', 'promptToCreate', 'dontAddToRecent'] };
}

/** What the dialog answered, as the contract's single path (null when cancelled). */
export function chosenFolder(result: { canceled: boolean; filePaths: string[] }): string | null {
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
