#!/usr/bin/env bash
# Idempotent set-up for a fresh clone: npm packages, then the TypeScript build and the web app (web/dist).
# Debian packages that only tests need are installed by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "portello: installing npm packages…" >&2
  # `npm install`, not `npm ci`: the lock file follows package-lock.json's versions either way, but `npm ci`
  # refuses a lock that lacks the other platforms' optional binaries (e.g. biome's), which this registry omits
  npm install --no-audit --no-fund --loglevel=error >&2
fi
npx tsc -p tsconfig.build.json >&2
npx vite build --config web/vite.config.ts --logLevel warn >&2
