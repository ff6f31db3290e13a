import type { AppFactsView, MediaKindView, Settings } from '../../../preload/contract';
import { laneRange } from './facts';

export type SettingsField = 'apiUrl' | 'outputFolder' | MediaKindView;
export type Problems = Partial<Record<SettingsField, string>>;

/** A full path on this system: /… on macOS and Linux, C:\… or \\server\… on Windows. */
export function isFullPath(text: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text.trim());
}

/** Problems with a draft, in the words shown beside each control; empty when it can be saved. */
export function settingsProblems(draft: Settings, facts: Pick<AppFactsView, 'kinds' | 'planCeilings'>): Problems {
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
  // The hosted plan's ceilings on simultaneous jobs, which the settings may not exceed.
  for (const kind of facts.kinds) {
    const value = draft.concurrency[kind];
    const ceiling = facts.planCeilings[kind];
    if (!Number.isInteger(value) || value < 1 || (ceiling !== null && value > ceiling)) problems[kind] = `Choose a whole number ${laneRange(ceiling)}.`;
  }
  return problems;
}

