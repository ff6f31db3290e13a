import type { AppFactsView, FilePlanView, MediaKindView, OutputFormatView, PresetView } from '../../../preload/contract';
import { formatLabel } from './facts';
import type { OfferedInputView } from './optionsForm';

/** What the window knows of one file before Start: by its name first, then as core read it (`queue:plan`). */
export interface FileChoices {
  kind: MediaKindView | null;
  /** A picture that moves, as core read it (a name cannot say). */
  animated: boolean;
  targets: OutputFormatView[];
  /** Smart's target, or why Smart leaves the file as it is. */
  smart: { target: OutputFormatView } | { skip: string };
  /** Estimated output size per preset, once core has read the file. */
  estimates: FilePlanView['estimates'];
}

const extensionOf = (name: string) => /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/** The choices a file's name allows, from the facts' input formats (the browser knows no more before core reads it). */
export function choicesByName(facts: AppFactsView, name: string): FileChoices {
  return choicesByFormat(facts, extensionOf(name));
}

/** The choices of a file in this format (its name's, or what core found its bytes to be). */
export function choicesByFormat(facts: AppFactsView, format: string): FileChoices {
  const input = facts.inputFormats.find((f) => f.format === format);
  if (!input) return { kind: null, targets: facts.outputFormats.map((f) => f.format), smart: { skip: 'Not a file type Convertr reads; pick a target to try it anyway.' }, estimates: [], animated: false };
  const target = facts.smartTargets[input.kind];
  const smart = input.format === target ? { skip: `Already ${formatLabel(facts, target)}: nothing to convert.` } : { target };
  return { kind: input.kind, animated: false, targets: input.targets, smart, estimates: [] };
}

/** Core's answer for a file replaces what its name suggested. */
export function choicesFromPlan(facts: AppFactsView, plan: FilePlanView): FileChoices {
  return { kind: plan.kind, animated: plan.animated ?? false, targets: plan.kind === null ? facts.outputFormats.map((f) => f.format) : plan.targets, smart: plan.smart, estimates: plan.estimates };
}

/** What a file's options are offered for: a picture that moves takes a cut to GIF or WEBP, a still does not. */
export function offeredInputOf(choices: Pick<FileChoices, 'kind' | 'animated'>): OfferedInputView | null {
  return choices.animated ? 'animation' : choices.kind;
}

/**
 * Whether a preset fits a file: its target is one the file can become, and it makes the file's kind (a video
 * may also take a sound preset: its sound is kept). A file of unknown kind takes none.
 */
export function presetFits(preset: PresetView, choices: Pick<FileChoices, 'kind' | 'targets'>): boolean {
  if (choices.kind === null || !choices.targets.includes(preset.target)) return false;
  return preset.kind === choices.kind || (choices.kind === 'video' && preset.kind === 'audio');
}

/** A drop's choice for one file: the toolbar's preset and target where they fit it, else Smart. */
export function choiceForFile(choice: { target: OutputFormatView | null; preset: PresetView | undefined }, choices: FileChoices): { target: OutputFormatView | null; preset: string | null } {
  if (choice.preset) return presetFits(choice.preset, choices) && (choice.target === null || choices.targets.includes(choice.target)) ? { target: choice.target ?? choice.preset.target, preset: choice.preset.id } : { target: null, preset: null };
  return { target: choice.target !== null && choices.targets.includes(choice.target) ? choice.target : null, preset: null };
}
