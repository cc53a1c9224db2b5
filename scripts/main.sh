#!/usr/bin/env bash
# The main job: set up if needed, answer the seed question on the built-in Alfa Romeo case and store the answer
# and its runs in the embedded database (demo --save), then serve the web app, which opens on that answer
# (Ctrl-C stops it).
# Only the demo: `npm start -- --no-serve` or PORTELLO_NO_SERVE=1. Port: PORTELLO_PORT (default 4173).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
serve=1
[ "${PORTELLO_NO_SERVE:-}" = "1" ] && serve=0
demo_args=()
for arg in "$@"; do
  if [ "$arg" = "--no-serve" ]; then serve=0; else demo_args+=("$arg"); fi
done
node bin/portello.js demo --save "${demo_args[@]}"
[ "$serve" = "1" ] || exit 0
echo
echo "portello: starting the web app (atlas, scenarios, runs, compare); stop it with Ctrl-C"
exec node bin/portello.js serve --port "${PORTELLO_PORT:-4173}"
