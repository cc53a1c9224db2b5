#!/usr/bin/env bash
# Study throughput on the BullMQ queue with real worker processes vs the in-process threads, and the queue's
# overhead per job (docs/benchmarks.md, "Studies on the queue"). Starts a private Redis and PostgreSQL.
# Usage: npm run bench:queue [-- --samples 40 --workers 1,2 --tiny-samples 100]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-system-deps.sh
DATABASE_URL="$(PORTELLO_PG_DB=portello_bench bash scripts/start-postgres.sh)"
REDIS_URL="$(bash scripts/start-redis.sh)"
export DATABASE_URL REDIS_URL
exec node --import tsx scripts/bench-queue.ts "$@"
