#!/usr/bin/env bash
# The README's test command: install what the tests need, then typecheck, lint, build and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx tsc --noEmit -p tsconfig.json
npx eslint .
npx electron-vite build
# The frame-time test measures rendering, so it runs alone, after the suite that loads both cores.
npx vitest run --exclude test/e2e/queueScroll.e2e.test.ts
npx vitest run test/e2e/queueScroll.e2e.test.ts
