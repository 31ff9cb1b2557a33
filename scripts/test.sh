#!/usr/bin/env bash
# The README's test command (`npm test`): provisions what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Dependencies exactly as locked; skipped when node_modules already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run typecheck      # tests and sources, strict
npx vitest run "$@"
