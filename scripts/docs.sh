#!/usr/bin/env bash
# Builds the DocC documentation of DockerSDK, DockerRecipes and DockerTesting with swift-docc-plugin
# (`swift package generate-documentation`), failing on any DocC warning, and says where it went.
#
#   scripts/docs.sh                 # the three catalogs, into .build/docs/<Target>.doccarchive
#   DOCS_OUT=/tmp/site scripts/docs.sh
#   DOCS_STATIC=1 scripts/docs.sh   # static sites in .build/docs/<Target>/ for any web server:
#                                   #   python3 -m http.server -d .build/docs 8000, then open
#                                   #   http://127.0.0.1:8000/DockerSDK/documentation/dockersdk/
set -euo pipefail
cd "$(dirname "$0")/.."

out="${DOCS_OUT:-.build/docs}"
mkdir -p "$out"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
start=$(date +%s)

archive() { if [ "${DOCS_STATIC:-}" = "1" ]; then echo "$out/$1"; else echo "$out/$1.doccarchive"; fi; }

for target in DockerSDK DockerRecipes DockerTesting; do
  extra=()
  if [ "${DOCS_STATIC:-}" = "1" ]; then
    extra+=(--transform-for-static-hosting --hosting-base-path "$target")
  fi
  echo "[docs] $target"
  # --warnings-as-errors goes to docc itself: a broken link or an unresolved symbol fails the build.
  if ! swift package --allow-writing-to-directory "$out" \
      generate-documentation --target "$target" --output-path "$(archive "$target")" \
      --warnings-as-errors "${extra[@]}" 2>&1 | tee -a "$log"; then
    status=1
  fi
done

end=$(date +%s)
# Every top-level symbol must sit in a topic group of the landing page: DocC puts the rest in
# generated groups ("Structures", "Enumerations", ...), which this check refuses.
for target in DockerSDK DockerRecipes DockerTesting; do
  page="$(archive "$target")/data/documentation/$(echo "$target" | tr '[:upper:]' '[:lower:]').json"
  [ -f "$page" ] || continue
  if ! python3 - "$page" "$target" <<'PY'
import json, sys
page, target = sys.argv[1], sys.argv[2]
groups = [g for g in json.load(open(page)).get("topicSections", []) if g.get("generated")]
for g in groups:
    names = ", ".join(i.rsplit("/", 1)[-1] for i in g.get("identifiers", []))
    print(f"[docs] {target}: not in a topic group of {target}.md ({g.get('title')}): {names}", file=sys.stderr)
sys.exit(1 if groups else 0)
PY
  then
    status=1
  fi
done
# Belt and braces: the compiler's symbol-graph warnings are not docc's and are not turned into errors.
# SwiftPM's "found N file(s) which are unhandled" about a dependency's checkout (its path on the next
# line is under .build/checkouts/, e.g. swift-distributed-tracing's CMakeLists.txt) is not ours to fix.
ours="$(mktemp)"
awk '/warning: .*: found [0-9]+ file\(s\) which are unhandled/ { held = $0; next }
     held != "" { if ($0 !~ /\/\.build\/checkouts\//) print held; held = "" }
     { print }' "$log" > "$ours"
if grep -E "(^|[^a-z])warning:" "$ours" >/dev/null; then
  echo "[docs] FAILED: warnings in the output:" >&2
  grep -E "(^|[^a-z])warning:" "$ours" >&2
  status=1
fi
rm -f "$ours"
if [ "$status" != "0" ]; then
  echo "[docs] FAILED after $((end - start)) s" >&2
  exit 1
fi
echo "[docs] built in $((end - start)) s:"
for target in DockerSDK DockerRecipes DockerTesting; do
  if [ "${DOCS_STATIC:-}" = "1" ]; then
    echo "  $(archive "$target")/   (python3 -m http.server -d $out 8000; open http://127.0.0.1:8000/$target/documentation/$(echo "$target" | tr '[:upper:]' '[:lower:]')/)"
  else
    echo "  $(archive "$target")   (a DocC archive: Xcode opens it; DOCS_STATIC=1 makes a static site instead)"
  fi
done
