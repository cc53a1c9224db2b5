#!/usr/bin/env bash
# Idempotent: makes sure a local PostgreSQL server runs and has a test database, then prints its DATABASE_URL.
# Installs Debian's postgresql when missing. As root (or with sudo) it uses the Debian cluster on 127.0.0.1;
# otherwise it runs a private server under $PORTELLO_PG_DIR (default /tmp/portello-pg-$UID).
# Usage: export PORTELLO_TEST_DATABASE_URL="$(bash scripts/start-postgres.sh)"
set -euo pipefail
DB="${PORTELLO_PG_DB:-portello_test}"
ROLE="${PORTELLO_PG_ROLE:-portello}"
PASSWORD="${PORTELLO_PG_PASSWORD:-portello}"
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ]; then
  echo "portello: installing PostgreSQL (apt-get install postgresql)…" >&2
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
BIN="$(pg_bin)"

if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
  as_postgres() { $SUDO runuser -u postgres -- "$@"; }
  # the Debian cluster: create one if the package left none, start it if it is down
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    $SUDO pg_createcluster "$(basename "$(dirname "$BIN")")" main >&2
  fi
  read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -1)
  if [ "$STATUS" != "online" ]; then $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start >&2; fi
  for _ in $(seq 1 30); do "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break; sleep 1; done
  PSQL=(as_postgres psql -q -p "$PORT" -d postgres -v ON_ERROR_STOP=1)
else
  # a private server for an unprivileged user, trust auth on loopback only
  DIR="${PORTELLO_PG_DIR:-/tmp/portello-pg-$(id -u)}"
  PORT="${PORTELLO_PG_PORT:-54329}"
  if [ ! -f "$DIR/PG_VERSION" ]; then
    "$BIN/initdb" -D "$DIR" -U postgres --auth=trust >&2
  fi
  if ! "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR" start >&2
  fi
  PSQL=(psql -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
fi

"${PSQL[@]}" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
if ! "${PSQL[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  "${PSQL[@]}" -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
