import { UNFINISHED_STATES } from '../../main/core/jobs/jobModel.js';

/** The unfinished job states as an SQL list, from the one definition in core. */
export const UNFINISHED_SQL = `(${UNFINISHED_STATES.map((state) => `'${state}'`).join(', ')})`;
