import type { AppFactsView, ConversionOptionsView } from '../../../preload/contract';

/** Conversion options as a form holds them: numbers as typed text, empty for "not set". */
export interface OptionsForm {
  quality: ConversionOptionsView['quality'];
  maxSizeMb: string;
  resize: string;
  stripMetadata: boolean;
  onConflict: ConversionOptionsView['onConflict'];
  mono: boolean;
  audioKbps: string;
  /** Empty: the input's name. */
  nameTemplate: string;
}
export type OptionsField = 'maxSizeMb' | 'resize' | 'audioKbps' | 'nameTemplate';

export function optionsFormOf(o: ConversionOptionsView, bytesPerMb: number): OptionsForm {
  return {
    quality: o.quality, maxSizeMb: o.maxSizeBytes ? String(o.maxSizeBytes / bytesPerMb) : '', resize: o.resize ? String(o.resize) : '',
    stripMetadata: o.stripMetadata, onConflict: o.onConflict, mono: o.mono ?? false, audioKbps: o.audioBitrateKbps ? String(o.audioBitrateKbps) : '',
    nameTemplate: o.nameTemplate ?? '',
  };
}

const within = (text: string, { min, max }: { min: number; max: number }) => Number.isInteger(Number(text)) && Number(text) >= min && Number(text) <= max;

/** What is wrong with a typed output name template, against core's placeholders (empty: none, the input's name). */
export function nameTemplateFormProblem(text: string, options: AppFactsView['options']): string | undefined {
  const { placeholders, maxLength } = options.nameTemplate;
  if (text === '') return undefined;
  const known = placeholders.map((p) => `{${p}}`).join(', ');
  if (text.length > maxLength) return `A file name template is at most ${maxLength} characters.`;
  if (/[/\\]/.test(text)) return 'A file name template names a file, not a folder: leave out / and \\.';
  const unknown = [...text.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]!).find((key) => !placeholders.includes(key));
  if (unknown !== undefined) return `A file name template knows ${known}, not {${unknown}}.`;
  if (['', '.', '..'].includes(text.replace(/\{[a-z]+\}/g, 'x').trim())) return `A file name template must leave a name, such as {name}-{preset}.`;
  return undefined;
}

/** What is wrong with the typed numbers, by field, against core's limits (the engine checks the rest). */
export function optionsFormProblems(form: OptionsForm, { options }: AppFactsView): Partial<Record<OptionsField, string>> {
  const problems: Partial<Record<OptionsField, string>> = {};
  const { resizePx, audioBitrateKbps, maxSizeBytes, bytesPerMb } = options;
  if (form.maxSizeMb.trim() !== '' && !(Number(form.maxSizeMb) > 0 && Number(form.maxSizeMb) * bytesPerMb <= maxSizeBytes.max)) problems.maxSizeMb = `A size limit is a number of MB above 0 and at most ${maxSizeBytes.max / bytesPerMb}.`;
  if (form.resize.trim() !== '' && !within(form.resize, resizePx)) problems.resize = `A longest edge is a whole number of pixels from ${resizePx.min} to ${resizePx.max}.`;
  const nameProblem = nameTemplateFormProblem(form.nameTemplate, options);
  if (nameProblem) problems.nameTemplate = nameProblem;
  if (form.audioKbps.trim() !== '' && !within(form.audioKbps, audioBitrateKbps)) problems.audioKbps = `An audio bitrate is a whole number of kbps from ${audioBitrateKbps.min} to ${audioBitrateKbps.max}.`;
  return problems;
}

export function optionsOfForm(form: OptionsForm, bytesPerMb: number): ConversionOptionsView {
  const options: ConversionOptionsView = { quality: form.quality, stripMetadata: form.stripMetadata, onConflict: form.onConflict, ...(form.mono ? { mono: true } : {}) };
  if (form.audioKbps.trim() !== '') options.audioBitrateKbps = Number(form.audioKbps);
  if (form.maxSizeMb.trim() !== '') options.maxSizeBytes = Math.round(Number(form.maxSizeMb) * bytesPerMb);
  if (form.resize.trim() !== '') options.resize = Number(form.resize);
  if (form.nameTemplate !== '') options.nameTemplate = form.nameTemplate;
  return options;
}
