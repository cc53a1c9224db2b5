#!/usr/bin/env bash
# The benchmark (not a test): Portello's build and hand-off, and HiGHS-WASM, the decomposition, CBC and native
# HiGHS side by side on synthetic networks and generated facility-location instances (docs/benchmarks.md).
# Usage: npm run bench [-- --quick] [-- --sizes 10k,oem] [-- --time-limit 60] [-- --cflp 3] [-- --pulp]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
need=()
command -v cbc >/dev/null 2>&1 || need+=(coinor-cbc)
[ -x /usr/bin/time ] || need+=(time)
if [[ " $* " == *" --pulp "* ]]; then /usr/bin/python3 -c "import pulp" >/dev/null 2>&1 || need+=(python3-pulp); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "portello: installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
# Native HiGHS, the peer: scipy.optimize.milp from the python3 on PATH (here pyenv's, scipy 1.17); never used by
# the product. Missing scipy is an error, not a silently shorter table.
if ! python3 -c "import scipy.optimize; scipy.optimize.milp" >/dev/null 2>&1; then
  echo "portello bench: the python3 on PATH ($(command -v python3)) has no scipy.optimize.milp (scipy >= 1.9)" >&2
  exit 1
fi
# Each instance and each solver runs in its own child process (peak memory per run; HiGHS's WebAssembly memory
# never shrinks).
exec node --max-old-space-size=8192 --import tsx bench/run.ts "$@"
