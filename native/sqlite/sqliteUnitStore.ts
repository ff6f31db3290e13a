import type { ConversionResult } from '../../main/core/engine/run/localConverter.js';
import type { UnitHolder, UnitStore } from '../../main/core/jobs/unitOfWork.js';
import type { SqliteDatabase } from './openDatabase.js';

type Row = Omit<UnitHolder, 'result'> & { result: string | null };

/** Units of work claimed across processes; each write is conditional on the holder read (one taker wins). */
export class SqliteUnitStore implements UnitStore {
  private readonly sql;

  constructor(private readonly db: SqliteDatabase, private readonly now: () => number = Date.now) {
    this.sql = {
      select: db.prepare(`SELECT state, owner_pid AS ownerPid, token, lease_expires_at AS leaseExpiresAt, origin, result_json AS result, updated_at AS updatedAt
        FROM work_units WHERE unit_key = ?`),
      insert: db.prepare("INSERT INTO work_units (unit_key, state, owner_pid, token, lease_expires_at, origin, updated_at) VALUES (?, 'running', ?, ?, ?, ?, ?) ON CONFLICT (unit_key) DO NOTHING"),
      replace: db.prepare("UPDATE work_units SET state = 'running', owner_pid = ?, token = ?, lease_expires_at = ?, origin = ?, result_json = NULL, updated_at = ? WHERE unit_key = ? AND token = ? AND state = ?"),
      setDone: db.prepare("UPDATE work_units SET state = 'done', lease_expires_at = NULL, result_json = ?, updated_at = ? WHERE unit_key = ? AND token = ?"),
      remove: db.prepare('DELETE FROM work_units WHERE unit_key = ? AND token = ?'),
      renew: db.prepare("UPDATE work_units SET lease_expires_at = ? WHERE owner_pid = ? AND state = 'running'"),
    };
  }

  read(key: string): UnitHolder | undefined {
    const row = this.sql.select.get(key) as Row | undefined;
    return row && { ...row, result: row.result ? (JSON.parse(row.result) as ConversionResult) : null };
  }

  take(key: string, expected: UnitHolder | undefined, holder: { ownerPid: number; token: string; leaseExpiresAt: number; origin: string }): boolean {
    const { ownerPid, token, leaseExpiresAt, origin } = holder;
    if (!expected) return this.sql.insert.run(key, ownerPid, token, leaseExpiresAt, origin, this.now()).changes === 1;
    return this.sql.replace.run(ownerPid, token, leaseExpiresAt, origin, this.now(), key, expected.token, expected.state).changes === 1;
  }

  complete(key: string, token: string, result: ConversionResult): void {
    this.sql.setDone.run(JSON.stringify(result), this.now(), key, token);
  }

  release(key: string, token: string): void {
    this.sql.remove.run(key, token);
  }

  renewLeases(ownerPid: number, leaseExpiresAt: number): void {
    this.sql.renew.run(leaseExpiresAt, ownerPid);
  }

  together<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
