#!/usr/bin/env bash
# All the tests: installs what a fresh machine lacks, then type-checks, lints and runs the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-system-deps.sh
npx tsc -p tsconfig.test.json            # src, tests, benchmark and scripts
npx tsc -p web/tsconfig.json --noEmit    # the web app
npx biome check .
# the store suite runs against a real PostgreSQL server too
PORTELLO_TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"
export PORTELLO_TEST_DATABASE_URL
# the distributed study queue runs on a real Redis, with real `portello worker` processes
PORTELLO_TEST_REDIS_URL="$(bash scripts/start-redis.sh)"
export PORTELLO_TEST_REDIS_URL
npx vitest run "$@"
