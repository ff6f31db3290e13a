import { createHash } from 'node:crypto';

/** NFKC, trimmed, inner whitespace collapsed, lower-cased, first 80 characters. */
export function normalizeLabel(label: string): string {
  return [...label.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase()].slice(0, 80).join('');
}

/** The only form of a client label that is ever stored: `cohort_` + 16 hex characters. */
export function cohortOf(label: string | undefined): string | null {
  if (label === undefined) return null;
  const normalized = normalizeLabel(label);
  if (normalized === '') return null;
  return `cohort_${createHash('sha256').update(normalized, 'utf8').digest('hex').slice(0, 16)}`;
}
