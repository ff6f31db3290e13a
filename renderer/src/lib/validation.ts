import type { Settings } from '../../../preload/contract';

/** The hosted plan's ceilings on simultaneous jobs, which the settings may not exceed. */
export const PLAN_LIMITS = { video: 20, audio: 40, image: 256 };

export type SettingsField = 'apiUrl' | 'outputFolder' | 'video' | 'audio' | 'image';
export type Problems = Partial<Record<SettingsField, string>>;

/** A full path on this system: /… on macOS and Linux, C:\… or \\server\… on Windows. */
export function isFullPath(text: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text.trim());
}

/** Problems with a draft, in the words shown beside each control; empty when it can be saved. */
export function settingsProblems(draft: Settings): Problems {
  const problems: Problems = {};
  let url: URL | undefined;
  try {
    url = new URL(draft.apiUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.apiUrl = 'Type the full address of the hosted service, starting with https:// (for example https://convertr.org).';
  if (draft.outputFolder !== null) {
    if (draft.outputFolder.trim() === '') problems.outputFolder = 'Type the folder for converted files, or choose “Beside each original”.';
    else if (!isFullPath(draft.outputFolder)) problems.outputFolder = `Type a full path that starts with / (for example /home/you/Videos); “${draft.outputFolder.trim()}” does not say where it is.`;
  }
  for (const kind of ['video', 'audio', 'image'] as const) {
    const value = draft.concurrency[kind];
    if (!Number.isInteger(value) || value < 1 || value > PLAN_LIMITS[kind]) problems[kind] = `Choose a whole number from 1 to ${PLAN_LIMITS[kind]}.`;
  }
  return problems;
}

