/**
 * An output's name from a template such as `{name}-{preset}`: {name} is the input's name without its
 * extension, {preset} the preset's id (the target format without one), {target} the target format, {ext} the
 * output's extension, {quality} the quality. The extension is always added after the template.
 */
export const NAME_PLACEHOLDERS = ['name', 'preset', 'target', 'ext', 'quality'] as const;
export type NamePlaceholder = (typeof NAME_PLACEHOLDERS)[number];

export const MAX_NAME_TEMPLATE_LENGTH = 200;
/** A suffix given to a same-format output that would otherwise take its input's own name (`clip.mp4` → `clip-converted.mp4`). */
export const SAME_FORMAT_SUFFIX = '-converted';

const PLACEHOLDER = /\{([a-z]+)\}/g;

/** The template with its placeholders filled; unknown placeholders are left as typed (refused by nameTemplateProblem). */
export function applyNameTemplate(template: string, values: Partial<Record<NamePlaceholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => values[key as NamePlaceholder] ?? whole).trim();
}

/** Fills {preset} once the preset is known (when a job is made); the rest is filled per file. */
export function withPreset(template: string, presetId: string): string {
  return template.replace(/\{preset\}/g, presetId);
}

/** Why a template cannot name files, in the user's words; undefined when it can. */
export function nameTemplateProblem(template: string): string | undefined {
  if (template.length > MAX_NAME_TEMPLATE_LENGTH) return `A name template is at most ${MAX_NAME_TEMPLATE_LENGTH} characters.`;
  if (/[/\\]/.test(template)) return `A name template names a file, not a folder: "${template}" holds a / or \\.`;
  if ([...template].some((c) => c.charCodeAt(0) < 32)) return 'A name template cannot hold control characters.';
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).find((key) => !(NAME_PLACEHOLDERS as readonly string[]).includes(key));
  if (unknown !== undefined) return `A name template knows ${NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}, not {${unknown}}.`;
  const sample = applyNameTemplate(template, { name: 'x', preset: 'x', target: 'x', ext: 'x', quality: 'x' });
  if (sample === '' || sample === '.' || sample === '..') return `A name template must leave a name; "${template}" leaves none.`;
  return undefined;
}
