#!/usr/bin/env bash
# Leaks, load and soak of one DockerClient against the live daemon (issue 12, item 5).
#
#   scripts/soak.sh [--minutes 30] [--interval 10] [--period 1] [--rss-bound-mb 8]
#       The soak: mixed calls (ping, list, inspect, logs each round; exec, events, a follow stream,
#       an attached session and create/start/wait/remove every few rounds; a round a second) for N
#       minutes, RSS/threads/descriptors sampled every 10 s; prints the table and the verdict: flat
#       when the last quarter's median RSS is within max(8 MB, 10 %) of the first quarter's.
#   scripts/soak.sh load [--requests 10000] [--in-flight 1000] [--streams 1000] [--sessions 200]
#                        [--containers 4] [--settle 60] [--rss-bound-mb 64] [--thread-slack 0]
#       The full-size leak run: requests with that many in flight, then the follow streams and
#       attached sessions all open at once, some iterated, all dropped unclosed; threads and
#       descriptors must come back to the warm baseline exactly, RSS within the bound, within
#       --settle seconds. (Tests/LiveTests/LoadLiveTests runs it at CI size.)
#
# Builds the dockersdk-soak tool (debug). Creates a few busybox containers labelled
# com.dockersdk.recipe=soak and com.dockersdk.instance=<run>, removed at the end (also on Ctrl-C).
# The report goes to stdout, progress to stderr; JSON and the log to .build/soak/. Exit status 0
# when the verdict is PASS.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command=soak
if [ "${1:-}" = load ] || [ "${1:-}" = soak ]; then command=$1; shift; fi
swift build -j "${JOBS:-2}" --product dockersdk-soak >&2 || { echo "[soak] build failed" >&2; exit 2; }
out=.build/soak
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# A copy runs: rebuilding during a 30-minute soak cannot touch it.
bin=$out/dockersdk-soak-$stamp
cp "$(swift build --show-bin-path)/dockersdk-soak" "$bin" || exit 2
trap 'rm -f "$bin"' EXIT
json=$out/$command-$stamp.json
echo "[soak] $bin $command $* (report: $json, log: $out/$command-$stamp.log)" >&2
"$bin" "$command" --json "$json" "$@" 2> >(tee "$out/$command-$stamp.log" >&2)
status=$?
echo "[soak] exit status $status" >&2
exit "$status"
