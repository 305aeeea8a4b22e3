#!/usr/bin/env bash
# Builds the DocC documentation of DockerSDK and DockerRecipes with swift-docc-plugin
# (`swift package generate-documentation`), failing on any DocC warning, and says where it went.
#
#   scripts/docs.sh                 # both catalogs, into .build/docs/<Target>.doccarchive
#   DOCS_OUT=/tmp/site scripts/docs.sh
#   DOCS_STATIC=1 scripts/docs.sh   # also transform for static hosting (any web server)
set -euo pipefail
cd "$(dirname "$0")/.."

out="${DOCS_OUT:-.build/docs}"
mkdir -p "$out"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
start=$(date +%s)

for target in DockerSDK DockerRecipes; do
  extra=()
  if [ "${DOCS_STATIC:-}" = "1" ]; then
    extra+=(--transform-for-static-hosting --hosting-base-path "$target")
  fi
  echo "[docs] $target"
  # --warnings-as-errors goes to docc itself: a broken link or an unresolved symbol fails the build.
  if ! swift package --allow-writing-to-directory "$out" \
      generate-documentation --target "$target" --output-path "$out/$target.doccarchive" \
      --warnings-as-errors "${extra[@]}" 2>&1 | tee -a "$log"; then
    status=1
  fi
done

end=$(date +%s)
# Belt and braces: the compiler's symbol-graph warnings are not docc's and are not turned into errors.
if grep -E "(^|[^a-z])warning:" "$log" >/dev/null; then
  echo "[docs] FAILED: warnings in the output:" >&2
  grep -E "(^|[^a-z])warning:" "$log" >&2
  status=1
fi
if [ "$status" != "0" ]; then
  echo "[docs] FAILED after $((end - start)) s" >&2
  exit 1
fi
echo "[docs] built in $((end - start)) s:"
for target in DockerSDK DockerRecipes; do
  echo "  $out/$target.doccarchive   (open with Xcode, or serve it: DOCS_STATIC=1 for plain static files)"
done
