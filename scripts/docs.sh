#!/usr/bin/env bash
# Builds the DocC catalogs of DockerSDK and DockerRecipes with swift-docc-plugin; any DocC warning fails.
# Usage: scripts/docs.sh            (archives under .build/plugins/Swift-DocC/outputs/)
# Takes about 40-70 s here after a debug build (symbol extraction compiles the two targets again).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# --warnings-as-errors goes to docc: an unresolved link, a missing parameter doc ... fails the build.
if ! swift package generate-documentation --target DockerSDK --target DockerRecipes --warnings-as-errors >"$log" 2>&1; then
  cat "$log" >&2
  echo "[docs] failed" >&2
  exit 1
fi
# SwiftPM's own note about a dependency's manifest (swift-distributed-tracing) is not a DocC warning.
if grep -v "swift-distributed-tracing': found 1 file(s) which are unhandled" "$log" | grep -q "warning:"; then
  grep -v "swift-distributed-tracing" "$log" | grep -A6 "warning:" >&2
  echo "[docs] DocC warnings" >&2
  exit 1
fi
grep -A3 "Generated" "$log"
echo "[docs] built without warnings in $(( $(date +%s) - start )) s"
