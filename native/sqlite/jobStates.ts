import { BEFORE_COMMIT_STATES, UNFINISHED_STATES } from '../../main/core/jobs/jobModel.js';

/** Job states as an SQL list, `('a', 'b')`: the SQL stores spell states only through this, from core's definitions. */
export function sqlStateList(states: readonly string[]): string {
  return `(${states.map((state) => `'${state}'`).join(', ')})`;
}

/** The unfinished job states as an SQL list, from the one definition in core. */
export const UNFINISHED_SQL = sqlStateList(UNFINISHED_STATES);

/** The states before committing as an SQL list, from the one definition in core. */
export const BEFORE_COMMIT_SQL = sqlStateList(BEFORE_COMMIT_STATES);
