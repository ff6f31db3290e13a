import { homedir } from 'node:os';
import path from 'node:path';
import { dataDirectory } from '../core/dataDirectory.js';
import { setFlagsFromString } from 'node:v8';
import { installCodeCache } from './codeCache.js';

// A command's functions each run a few hundred to a few thousand times, once per file: at V8's default budget
// hundreds of them are optimised and most of that work is never repaid (row 5 of the bench: 9 % of the CPU of
// 1000 small pictures). Four times the budget still optimises hot loops (a picture's bytes) within milliseconds.
setFlagsFromString('--interrupt-budget=270336');

// The built command's entry (out/main/cli.cjs): the command's own modules, in out/main/cli-chunks, compile with
// the code cache kept in the data folder.
installCodeCache(path.join(__dirname, 'cli-chunks'), path.join(dataDirectory(process.env, process.platform, homedir()), 'cache', 'code'));
void import('./index.js');
