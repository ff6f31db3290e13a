import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, startBuiltCli } from '../helpers/cli';
import { corpus, removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

/** The README's quick start, run as a user runs it: `node bin/convertr.js`, the build in out/. */
describe('the installed command (bin/convertr.js)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = tempDir('convertr-built-');
    env = { CONVERTR_HOME: path.join(dir, 'home') };
  });
  afterAll(() => removeDir(dir));

  it('converts a file and a folder, then reports them in stats', async () => {
    const photo = path.join(dir, 'photo.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), photo);
    const one = await runBuiltCli(['convert', photo, '--to', 'png'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'photo.png'))).toBe(true);

    const folder = path.join(dir, 'holiday');
    mkdirSync(folder);
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(folder, 'a.jpg'));
    copyFileSync(corpus('heic/IMG_5195.HEIC'), path.join(folder, 'b.heic'));
    const many = await runBuiltCli(['convert', folder, '--to', 'webp', '--out', path.join(dir, 'webp')], env);
    expect(many.code, many.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'webp', 'a.webp')) && existsSync(path.join(dir, 'webp', 'b.webp'))).toBe(true);

    const stats = await runBuiltCli(['stats', '--json'], env);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ totalRequests: 3 });
  });

  it('watches a folder until Ctrl-C, and without --save leaves no batch folder for the app', async () => {
    const watched = path.join(dir, 'inbox');
    mkdirSync(watched);
    const run = startBuiltCli(['watch', watched, '--to', 'png', '--stable-for', '300ms'], env);
    let stderr = '';
    run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => stderr.includes('Press Ctrl-C to stop'), 'the watch to start', 30_000);
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(watched, 'new.jpg'));
    await waitFor(() => existsSync(path.join(watched, 'converted', 'new.png')), 'new.png', 30_000);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);

    const db = new Database(path.join(dir, 'home', 'convertr.db'), { readonly: true });
    try {
      const rules = (db.prepare('SELECT spec_json, enabled FROM watch_rules').all() as { spec_json: string; enabled: number }[]).map((r) => ({ origin: (JSON.parse(r.spec_json) as { origin: string }).origin, enabled: r.enabled }));
      expect(rules).toEqual([{ origin: 'command', enabled: 0 }]);
    } finally {
      db.close();
    }
  });
});
