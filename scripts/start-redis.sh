#!/usr/bin/env bash
# Idempotent: makes sure a private Redis server runs for Portello's queue (tests, benchmarks, a local try-out),
# then prints its URL. Installs Debian's redis-server when missing; the server itself runs as the calling user
# (no root needed) on loopback only, with its files under $PORTELLO_REDIS_DIR (default /tmp/portello-redis-$UID).
# Usage: export PORTELLO_TEST_REDIS_URL="$(bash scripts/start-redis.sh)"
set -euo pipefail
PORT="${PORTELLO_REDIS_PORT:-63790}"
DIR="${PORTELLO_REDIS_DIR:-/tmp/portello-redis-$(id -u)}"
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "portello: installing Redis (apt-get install redis-server)…" >&2
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >&2
fi

if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  mkdir -p "$DIR"
  # BullMQ needs noeviction (an evicted job key would lose the job); appendonly keeps queued jobs over a
  # restart of Redis itself
  redis-server --port "$PORT" --bind 127.0.0.1 --protected-mode yes --dir "$DIR" \
    --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" \
    --maxmemory-policy noeviction --appendonly yes --save "" >&2
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null || { cat "$DIR/redis.log" >&2; exit 1; }
fi
echo "redis://127.0.0.1:$PORT"
