#!/usr/bin/env node
// The installed `convertr` command: the built CLI (run `npm run build` first in a checkout).
await import('../out/main/cli.js');
