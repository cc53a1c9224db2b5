#!/usr/bin/env bash
# The main job: set up if needed, then answer the seed question on the built-in Alfa Romeo case.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/portello.js demo "$@"
