import type { AppFactsView, MediaKindView, OutputFormatView } from '../../../preload/contract';

/** "video" -> "Video". */
export function kindTitle(kind: MediaKindView): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** The targets grouped by kind, in the order core lists them. */
export function formatGroups(facts: AppFactsView): { kind: MediaKindView; formats: AppFactsView['outputFormats'] }[] {
  return facts.kinds.map((kind) => ({ kind, formats: facts.outputFormats.filter((f) => f.kind === kind) })).filter((g) => g.formats.length > 0);
}

/** What a job makes: its target format's kind (a video turned into MP3 is shown as music). */
export function kindOfTarget(facts: AppFactsView, target: OutputFormatView): MediaKindView | undefined {
  return facts.outputFormats.find((f) => f.format === target)?.kind;
}

export function formatLabel(facts: AppFactsView, target: OutputFormatView): string {
  return facts.outputFormats.find((f) => f.format === target)?.label ?? target.toUpperCase();
}

/** "Smart: video→MP4, audio→MP3, image→JPG". */
export function smartSummary(facts: AppFactsView): string {
  return `Smart: ${facts.kinds.map((kind) => `${kind}→${formatLabel(facts, facts.smartTargets[kind])}`).join(', ')}`;
}

/** The input formats of a kind as the empty queue lists them ("MP4, MOV, …"). */
export function inputLabels(facts: AppFactsView, kind: MediaKindView): string {
  return facts.inputFormats.filter((f) => f.kind === kind).map((f) => f.label).join(', ');
}

/** "from 1 to 20", or "of 1 or more" where the plan sets no ceiling. */
export function laneRange(ceiling: number | null): string {
  return ceiling === null ? 'of 1 or more' : `from 1 to ${ceiling}`;
}
