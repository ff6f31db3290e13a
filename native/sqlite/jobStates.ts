import { BEFORE_COMMIT_STATES, UNFINISHED_STATES } from '../../main/core/jobs/jobModel.js';

/** Job states as an SQL list, `('a', 'b')`: the SQL stores spell states only through this, from core's definitions. */
export function sqlStateList(states: readonly string[]): string {
  return `(${states.map((state) => `'${state}'`).join(', ')})`;
}

export const UNFINISHED_SQL = sqlStateList(UNFINISHED_STATES);
export const BEFORE_COMMIT_SQL = sqlStateList(BEFORE_COMMIT_STATES);
