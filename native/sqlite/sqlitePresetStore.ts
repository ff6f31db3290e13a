import { AppError } from '../../main/core/errors.js';
import type { OutputFormat } from '../../main/core/formats.js';
import { normalizeOptions, type ConversionOptions } from '../../main/core/engine/plan/conversionOptions.js';
import { presetId, presetProblem, type Preset, type PresetStore } from '../../main/core/presets/presets.js';
import type { SqliteDatabase } from './openDatabase.js';

type Row = Pick<Preset, 'name' | 'target'> & { id: number; options_json: string };

function toPreset(row: Row): Preset {
  return { id: presetId(row.name), name: row.name, target: row.target, options: normalizeOptions(JSON.parse(row.options_json) as Partial<ConversionOptions>), builtIn: false };
}

/** The user's presets in `convertr.db`; names are unique whatever their case, ids are derived from them. */
export class SqlitePresetStore implements PresetStore {
  constructor(private readonly db: SqliteDatabase, private readonly now: () => number = Date.now) {}

  list(): Preset[] {
    return (this.db.prepare('SELECT id, name, target, options_json FROM presets ORDER BY created_at, id').all() as Row[]).map(toPreset);
  }

  private rowOf(id: string): Row | undefined {
    return (this.db.prepare('SELECT id, name, target, options_json FROM presets').all() as Row[]).find((row) => presetId(row.name) === id);
  }

  private check(name: string, target: OutputFormat, options: ConversionOptions): { name: string; options: ConversionOptions } {
    const normalized = normalizeOptions(options);
    const problem = presetProblem(name, target, normalized);
    if (problem) throw new AppError('USAGE', problem);
    return { name: name.trim(), options: normalized };
  }

  save(name: string, target: OutputFormat, options: ConversionOptions): Preset {
    const checked = this.check(name, target, options);
    const id = presetId(checked.name);
    const now = this.now();
    return this.db.transaction(() => {
      if (this.rowOf(id)) return this.update(id, name, target, options);
      this.db.prepare('INSERT INTO presets (name, target, options_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(checked.name, target, JSON.stringify(checked.options), now, now);
      return this.list().find((p) => p.id === id)!;
    }).immediate();
  }

  update(id: string, name: string, target: OutputFormat, options: ConversionOptions): Preset {
    const checked = this.check(name, target, options);
    return this.db.transaction(() => {
      const row = this.rowOf(id);
      if (!row) throw new AppError('USAGE', `There is no preset "${id}" of yours.`);
      const clash = this.rowOf(presetId(checked.name));
      if (clash && clash.id !== row.id) throw new AppError('USAGE', `A preset named "${clash.name}" exists already.`);
      this.db.prepare('UPDATE presets SET name = ?, target = ?, options_json = ?, updated_at = ? WHERE id = ?').run(checked.name, target, JSON.stringify(checked.options), this.now(), row.id);
      return this.list().find((p) => p.id === presetId(checked.name))!;
    }).immediate();
  }

  remove(id: string): boolean {
    const row = this.rowOf(id);
    return row ? this.db.prepare('DELETE FROM presets WHERE id = ?').run(row.id).changes === 1 : false;
  }
}
