import { homedir } from 'node:os';
import path from 'node:path';
import { dataDirectory } from '../core/dataDirectory.js';
import { installCodeCache } from './codeCache.js';

// The built command's entry (out/main/cli.cjs): the command's own modules, in out/main/cli-chunks, compile with
// the code cache kept in the data folder.
installCodeCache(path.join(__dirname, 'cli-chunks'), path.join(dataDirectory(process.env, process.platform, homedir()), 'cache', 'code'));
void import('./index.js');
