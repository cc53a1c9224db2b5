#!/usr/bin/env bash
# All the tests: installs what a fresh machine lacks, then type-checks, lints and runs the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-system-deps.sh
npx tsc -p tsconfig.json --noEmit
npx biome check .
npx vitest run "$@"
