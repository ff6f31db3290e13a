// `npm start`: builds the app (unless --no-build), gives better-sqlite3 a build for Electron's ABI beside the Node one, and launches
// Electron. Electron's binary and that build are downloaded on the first start; where that cannot happen (no
// network), says so in a few lines and shows the headless CLI, which runs the same engine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const quiet = (command, args) => spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } });
const transcript = [];
const record = (step, result) => transcript.push(`## ${step} (exit ${result.status ?? result.signal})\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}`);

// `npm start -- --no-build` launches what is already built.
const build = process.argv.includes('--no-build') ? { status: 0 } : quiet(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout}${build.stderr}\nThe app could not be built (above).\n`);
  process.exit(build.status ?? 1);
}

function electronBinary() {
  const located = quiet(process.execPath, ['-e', 'process.stdout.write(require("electron"))']);
  record('Electron binary', located);
  return located.status === 0 && located.stdout ? located.stdout : undefined;
}

function electronSqlite() {
  const prepared = quiet(process.execPath, [require.resolve('tsx/cli'), path.join('scripts', 'prepareElectronNative.ts')]);
  record('better-sqlite3 for Electron', prepared);
  return prepared.status === 0;
}

const binary = electronBinary();
if (binary && electronSqlite()) {
  const app = spawnSync(binary, ['.'], { cwd: root, stdio: 'inherit' });
  process.exit(app.status ?? 1);
}

const log = path.join(mkdtempSync(path.join(tmpdir(), 'convertr-start-')), 'start.log');
writeFileSync(log, transcript.join('\n'));
process.stderr.write(
  [
    'The Convertr window cannot start here: on its first start it downloads Electron and a build of its database',
    `module for Electron, and this machine could not fetch them (details: ${log}). The same engine runs from the`,
    'command line, as below; `npm run -s convertr -- serve` opens the whole window in a browser.',
    '',
  ].join('\n'),
);
const help = spawnSync(process.execPath, [path.join(root, 'bin', 'convertr.js'), 'help'], { cwd: root, stdio: 'inherit' });
process.exit(help.status === 0 ? 1 : (help.status ?? 1));
