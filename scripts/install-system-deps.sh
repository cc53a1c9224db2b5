#!/usr/bin/env bash
# Debian packages the test suite uses for real (no mocks): CBC as a second solver, PostgreSQL for the store,
# Redis for the distributed study queue (BullMQ),
# Chromium for the browser tests (driven by playwright-core at /usr/bin/chromium), LibreOffice Calc as a second,
# independent xlsx implementation for the workbook compatibility tests.
set -euo pipefail
need=()
command -v cbc >/dev/null 2>&1 || need+=(coinor-cbc)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
if [ ${#need[@]} -gt 0 ]; then
  echo "portello: installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
