#!/usr/bin/env bash
# Benchmark (not a test): the SDK's public API against one reused libcurl handle in C, docker-py and
# the docker CLI, on the live daemon. Builds release, compiles bench/baseline.c, checks docker-py and
# the CLI, runs dockersdk-bench and keeps the figures in bench/results.json.
# Usage: scripts/bench.sh [dockersdk-bench options, e.g. --rounds 2 --iterations 500 --only ping,inspect]
# Defaults take about 4-6 minutes on this machine kind; see `dockersdk-bench --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
log() { printf '[bench] %s\n' "$*" >&2; }

# A daemon and the packages (idempotent); images: only busybox is needed.
DOCKERSDK_IMAGES=busybox bash scripts/setup.sh >&2

# The C compiler: cc, else the clang that comes with the Swift toolchain.
CC=${CC:-$(command -v cc || command -v clang || true)}
[ -n "$CC" ] && pkg-config --exists libcurl || { log "need a C compiler and libcurl (scripts/setup.sh installs libcurl4-openssl-dev)"; exit 1; }
mkdir -p "$root/.build/bench"
# shellcheck disable=SC2046
"$CC" -O2 -o "$root/.build/bench/baseline" "$root/bench/baseline.c" $(pkg-config --cflags --libs libcurl) -lpthread

args=(--c-baseline "$root/.build/bench/baseline" --results "$root/bench/results.json")
if python3 -c 'import docker' 2>/dev/null; then
  args+=(--python-baseline "$root/bench/baseline.py")
else
  log "docker-py not importable (python3 -m pip install docker): its rows are left out"; args+=(--no-python)
fi
if [ -x /usr/bin/docker ] || command -v docker >/dev/null; then :; else log "no docker CLI: its rows are left out"; args+=(--no-cli); fi

log "building dockersdk-bench (release)"
swift build -c release --product dockersdk-bench >"$root/.build/bench/build.log" 2>&1 || { tail -30 "$root/.build/bench/build.log" >&2; exit 1; }
"$(swift build -c release --show-bin-path)/dockersdk-bench" "${args[@]}" "$@"
