import { normalizeOptions, optionsProblem, type ConversionOptions } from '../core/engine/plan/conversionOptions.js';
import type { OutputFormat } from '../core/formats.js';
import { withPreset } from '../core/engine/run/outputName.js';
import { allPresets, findPreset, presetId, type Preset } from '../core/presets/presets.js';
import { UsageError } from './args.js';
import { didYouMean } from './didYouMean.js';

export interface RequestArgs {
  target: OutputFormat | null;
  preset: string | undefined;
  options: Partial<ConversionOptions>;
}

/** The target and options of a command: the preset's, changed by --to and the option flags given. */
export function resolveRequest(args: RequestArgs, userPresets: readonly Preset[]): { target: OutputFormat; options: ConversionOptions; preset: Preset | undefined } {
  let base: { target: OutputFormat | null; options: Partial<ConversionOptions> } = { target: args.target, options: {} };
  let chosen: Preset | undefined;
  if (args.preset !== undefined) {
    const presets = allPresets(userPresets);
    const preset = findPreset(args.preset, presets);
    if (!preset) throw new UsageError(`There is no preset "${args.preset}".${didYouMean(presetId(args.preset), presets.map((p) => p.id))} Run "convertr presets" to list them.`);
    base = { target: preset.target, options: preset.options };
    chosen = preset;
  }
  const target = args.target ?? base.target;
  if (!target) throw new UsageError('convert needs --to <format> or --preset <name>.');
  const merged = normalizeOptions({ ...base.options, ...args.options });
  const options = chosen && merged.nameTemplate !== undefined ? { ...merged, nameTemplate: withPreset(merged.nameTemplate, chosen.id) } : merged;
  const problem = optionsProblem(options, target);
  if (problem) throw new UsageError(problem);
  return { target, options, preset: chosen };
}

