#!/usr/bin/env bash
# The benchmark (not a test): Portello's build, hand-off and solve against PuLP and CBC on synthetic networks.
# Usage: npm run bench [-- --quick] [-- --sizes 10k,100k] [-- --time-limit 60]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
need=()
command -v cbc >/dev/null 2>&1 || need+=(coinor-cbc)
/usr/bin/python3 -c "import pulp" >/dev/null 2>&1 || need+=(python3-pulp)
if [ ${#need[@]} -gt 0 ]; then
  echo "portello: installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
# Each size runs in child processes (peak memory per size; HiGHS's WebAssembly memory never shrinks).
exec node --max-old-space-size=8192 --import tsx bench/run.ts "$@"
