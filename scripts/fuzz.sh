#!/usr/bin/env bash
# Fuzzes DockerSDK's parsers with libFuzzer (issue 12, item 3).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]
#
# RUNS inputs per target (default 1000000), each target bounded to FUZZ_MAX_SECONDS (default 3600:
# the slowest targets run a few hundred inputs per second on a busy 2-core machine) of fuzzing; FUZZ_JOBS targets run at once (default 1). Builds fuzz/ (a package of its own that depends on this one by path, so the main build
# and CI never compile it) with `swift build -Xswiftc -sanitize=fuzzer,address`. The seed corpus is
# every body, stdin and output of the recorded fixtures (Fixtures/**) plus fuzz/seeds/<target>/.
# Findings (crash-*, leak-*, timeout-*) land in .build/fuzz/artifacts/<target>/; a summary line per
# target goes to .build/fuzz/summary.txt. Exit status: non-zero when any target found something.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzMultiplexed FuzzJSONLines FuzzTar FuzzHostDiscovery FuzzClusterNodes FuzzReplicaStatus
  FuzzNetworkValidation FuzzHTTPHead FuzzDockerConfig)
max_seconds=${FUZZ_MAX_SECONDS:-3600}
work=$root/.build/fuzz
mkdir -p "$work"

echo "== building fuzz targets (swift build -c ${FUZZ_CONFIG:-release} -Xswiftc -sanitize=fuzzer,address)"
# Optimised by default (FUZZ_CONFIG=debug for a quicker build): about ten times the inputs per second.
config=${FUZZ_CONFIG:-release}
(cd "$root/fuzz" && swift build -c "$config" -j 2 -Xswiftc -sanitize=fuzzer,address) || { echo "fuzz build failed"; exit 2; }
bin=$(cd "$root/fuzz" && swift build -c "$config" -Xswiftc -sanitize=fuzzer,address --show-bin-path)

echo "== seed corpus from Fixtures/** and fuzz/seeds"
rm -rf "$work/fixture-seeds" && mkdir -p "$work/fixture-seeds"
python3 - "$root/Fixtures" "$work/fixture-seeds" <<'PY'
import base64, hashlib, json, os, sys, tarfile, io
src, out = sys.argv[1], sys.argv[2]
def save(data):
    if data and len(data) <= 256 * 1024:
        open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
def body(b):
    if not isinstance(b, dict): return
    if "base64" in b: save(base64.b64decode(b["base64"]))
    elif "text" in b: save(b["text"].encode())
    elif "json" in b: save(json.dumps(b["json"]).encode())
for dirpath, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".json"): continue
        for ex in json.load(open(os.path.join(dirpath, f))).get("exchanges", []):
            body(ex.get("request", {}).get("body")); body(ex.get("response", {}).get("body")); body(ex.get("input"))
# A tar with a directory, a file, a symlink, a long (pax) name and a GNU long name.
buf = io.BytesIO()
for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, data in [("d/", tarfile.DIRTYPE, b""), ("d/f.txt", tarfile.REGTYPE, b"hello\n"),
                                 ("d/" + "n" * 120, tarfile.REGTYPE, b"x"), ("d/l", tarfile.SYMTYPE, b"")]:
            info = tarfile.TarInfo(name); info.type = kind; info.size = len(data); info.mode = 0o644
            if kind == tarfile.SYMTYPE: info.linkname = "f.txt"
            t.addfile(info, io.BytesIO(data))
    save(buf.getvalue())
PY

# The scratch folders (dockersdk-fuzz-<name>-<pid>) of fuzz processes that are gone: the harness removes
# its own at exit, but a crash, a timeout or an out-of-memory stop skip that.
remove_stale_scratch() {
  local dir pid
  for dir in /dev/shm/dockersdk-fuzz-* "${TMPDIR:-/tmp}"/dockersdk-fuzz-*; do
    [ -d "$dir" ] || continue
    pid=${dir##*-}
    case $pid in ''|*[!0-9]*) continue ;; esac
    kill -0 "$pid" 2>/dev/null || rm -rf -- "$dir"
  done
}

summary=$work/summary.txt
: > "$summary"
# One target: fuzz it, append its line to the summary; returns non-zero when it found something.
run_target() {
  local target=$1 corpus=$work/corpus/$1 artifacts=$work/artifacts/$1 max_len=8192 started rc seconds done_runs cov found line
  mkdir -p "$corpus" "$artifacts"
  cp -n "$work"/fixture-seeds/* "$corpus"/ 2>/dev/null || true
  [ -d "$root/fuzz/seeds/$target" ] && cp -n "$root/fuzz/seeds/$target"/* "$corpus"/ 2>/dev/null
  [ "$target" = FuzzTar ] && max_len=65536
  echo "== $target: $runs runs, at most $max_seconds s"
  started=$(date +%s)
  # The Swift backtracer would race ASan's report; libFuzzer writes the input that failed.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    "$bin/$target" -runs="$runs" -max_total_time="$max_seconds" -max_len=$max_len -timeout=20 -rss_limit_mb=3072 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" > "$work/$target.log" 2>&1
  rc=$?
  seconds=$(( $(date +%s) - started ))
  done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$work/$target.log" | tail -1)
  found=$(ls "$artifacts" | wc -l)
  remove_stale_scratch
  line="$target: ${done_runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l), findings $found, exit $rc"
  echo "$line" | tee -a "$summary"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then tail -40 "$work/$target.log"; return 1; fi
}

# FUZZ_JOBS targets at a time (default 1: the machine has 2 cores).
jobs_max=${FUZZ_JOBS:-1}
status=0
for target in "${targets[@]}"; do
  if [ "$jobs_max" -le 1 ]; then
    run_target "$target" || status=1
  else
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || status=1; done
    run_target "$target" &
  fi
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || status=1; done
echo "== summary (also in $summary)"
cat "$summary"
exit $status
