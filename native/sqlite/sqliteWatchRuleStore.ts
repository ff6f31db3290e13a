import { AppError } from '../../main/core/errors.js';
import type { WatchRuleStore } from '../../main/core/watch/ports.js';
import { validateWatchRule, type WatchRule, type WatchRuleSpec } from '../../main/core/watch/watchRule.js';
import type { SqliteDatabase } from './openDatabase.js';

type Row = Pick<WatchRule, 'id' | 'createdAt' | 'updatedAt'> & { spec: string; enabled: number };

const SELECT_RULES = 'SELECT id, spec_json AS spec, enabled, created_at AS createdAt, updated_at AS updatedAt FROM watch_rules';

/** Rules as JSON validated on the way in and on the way out, so that a hand-edited row cannot run unchecked. */
export class SqliteWatchRuleStore implements WatchRuleStore {
  private readonly sql;

  constructor(db: SqliteDatabase, private readonly now: () => number = Date.now) {
    this.sql = {
      selectAll: db.prepare(`${SELECT_RULES} ORDER BY id`),
      selectOne: db.prepare(`${SELECT_RULES} WHERE id = ?`),
      insert: db.prepare('INSERT INTO watch_rules (spec_json, enabled, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      updateRow: db.prepare('UPDATE watch_rules SET spec_json = ?, enabled = ?, updated_at = ? WHERE id = ?'),
      deleteRow: db.prepare('DELETE FROM watch_rules WHERE id = ?'),
    };
  }

  private toRule(row: Row): WatchRule {
    const spec = validateWatchRule({ ...(JSON.parse(row.spec) as object), enabled: row.enabled === 1 });
    return { ...spec, id: row.id, createdAt: row.createdAt, updatedAt: row.updatedAt };
  }

  list(): WatchRule[] {
    return (this.sql.selectAll.all() as Row[]).map((row) => this.toRule(row));
  }

  get(id: number): WatchRule | undefined {
    const row = this.sql.selectOne.get(id) as Row | undefined;
    return row ? this.toRule(row) : undefined;
  }

  add(spec: WatchRuleSpec): WatchRule {
    const valid = validateWatchRule(spec);
    const now = this.now();
    const id = Number(this.sql.insert.run(JSON.stringify(valid), valid.enabled ? 1 : 0, now, now).lastInsertRowid);
    return this.get(id)!;
  }

  update(id: number, spec: WatchRuleSpec): WatchRule {
    const valid = validateWatchRule(spec);
    if (this.sql.updateRow.run(JSON.stringify(valid), valid.enabled ? 1 : 0, this.now(), id).changes === 0) throw new AppError('RULE_INVALID', `There is no watch rule #${id}.`);
    return this.get(id)!;
  }

  setEnabled(id: number, enabled: boolean): WatchRule {
    const rule = this.get(id);
    if (!rule) throw new AppError('RULE_INVALID', `There is no watch rule #${id}.`);
    const { id: _id, createdAt: _c, updatedAt: _u, ...spec } = rule;
    return this.update(id, { ...spec, enabled });
  }

  /** Removes the rule, its batch and its jobs (cascade). */
  remove(id: number): boolean {
    return this.sql.deleteRow.run(id).changes > 0;
  }
}
