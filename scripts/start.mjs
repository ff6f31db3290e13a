// `npm start`: builds the app and launches Electron. Where the Electron binary cannot be had (no network
// on first launch), says so and shows the headless CLI instead, which runs the same engine.
import { spawnSync } from 'node:child_process';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });

const build = run('npx', ['electron-vite', 'build']);
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = run('npx', ['electron', '.']);
if (electron.status === 0) process.exit(0);

console.error('\nThe Electron window could not start on this machine (its binary is downloaded on first launch and needs a network).');
console.error('The same engine runs headless:\n');
run('npx', ['tsx', 'main/cli/index.ts', 'help']);
run('npx', ['tsx', 'main/cli/index.ts', 'doctor']);
process.exit(electron.status ?? 1);
