#!/usr/bin/env bash
# Idempotent set-up for a fresh clone: npm packages, then the TypeScript build and the web app (web/dist).
# Debian packages that only tests need are installed by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "portello: installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npx tsc -p tsconfig.build.json >&2
npx vite build --config web/vite.config.ts --logLevel warn >&2
