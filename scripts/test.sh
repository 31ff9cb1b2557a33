#!/usr/bin/env bash
# The README's test command (`npm test`): provisions what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use for real parts: socat makes pseudo-terminal pairs for the serial tests.
missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)   # self-signed certificates for the TLS test
command -v chromium >/dev/null 2>&1 || missing+=(chromium) # Debian's Chromium for the dashboard tests (playwright-core)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test: installing ${missing[*]} (apt)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# InfluxDB 1.x for the InfluxDB writer tests (test/influx-setup.ts starts a private server per run).
bash scripts/influxdb.sh

# Dependencies exactly as locked; skipped when node_modules already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run typecheck      # tests and sources, strict
npx vitest run "$@"    # builds the CLI first (test/global-setup.ts), then every test
