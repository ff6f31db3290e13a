import path from 'node:path';

/** The data folder: CONVERTR_HOME, else the OS app-data folder. */
export function dataDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (env['CONVERTR_HOME']) return path.resolve(env['CONVERTR_HOME']);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Convertr');
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Convertr');
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'Convertr');
}

export const DEFAULT_RETENTION_DAYS = 90;

/** Days of conversion rows to keep: CONVERTR_RETENTION_DAYS, else 90. */
export function retentionDays(env: NodeJS.ProcessEnv): number {
  const raw = env['CONVERTR_RETENTION_DAYS'];
  const days = raw === undefined ? DEFAULT_RETENTION_DAYS : Number(raw);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
}
