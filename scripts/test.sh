#!/usr/bin/env bash
# The README's test command: install what the tests need, then typecheck, lint, build and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx tsc --noEmit -p tsconfig.json
npx eslint .
npx electron-vite build
results=$(mktemp -d)
# The frame-time test measures rendering, so it runs alone, after the suite that loads both cores.
npx vitest run --exclude test/e2e/queueScroll.e2e.test.ts --reporter=default --reporter=json --outputFile.json="$results/suite.json"
npx vitest run test/e2e/queueScroll.e2e.test.ts --reporter=default --reporter=json --outputFile.json="$results/frames.json"
node -e '
  const runs = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
' "$results/suite.json" "$results/frames.json"
