#!/usr/bin/env node
// The installed `convertr` command: the built CLI (run `npm run build` first in a checkout). CommonJS, as
// bin/package.json says: an ES module entry costs every command Node's ES module loader, about 5 ms.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../out/main/cli.cjs');
