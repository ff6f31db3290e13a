#!/usr/bin/env bash
# The README's test command: install what the tests need, then typecheck, lint, build and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx tsc --noEmit -p tsconfig.json
npx eslint .
npx electron-vite build
npx vitest run
