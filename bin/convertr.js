#!/usr/bin/env node
// The installed `convertr` command: the built CLI (run `npm run build` first in a checkout).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../out/main/cli.cjs');
