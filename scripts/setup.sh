#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: packages, a running dockerd, dev images.
# Usage: scripts/setup.sh [--no-images]   (DOCKERSDK_IMAGES="busybox redis mariadb" picks images; all by default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mkdir -p "$root/.build"
log() { printf '[setup] %s\n' "$*" >&2; }

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

# 1. Packages.
need=()
for pkg in curl libcurl4-openssl-dev libssl-dev docker.io debootstrap busybox-static pkg-config socat openssl docker-registry apache2-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. A daemon that answers /_ping.
sock=${DOCKERSDK_SOCKET:-/var/run/docker.sock}
ping_ok() { [ -S "$sock" ] && [ "$(curl -s --max-time 3 --unix-socket "$sock" http://localhost/_ping 2>/dev/null)" = "OK" ]; }
if ! ping_ok; then
  if [ "$sock" != /var/run/docker.sock ]; then
    log "no daemon answers at $sock and it is not the default socket: not starting one"; exit 1
  fi
  mkdir -p "$root/.build"
  log "starting dockerd (log: $root/.build/dockerd.log)"
  # A dockerd killed earlier leaves a stale pid file; dockerd copes, containerd's socket too.
  $sudo_cmd nohup /usr/sbin/dockerd >"$root/.build/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    ping_ok && break
    sleep 0.5
  done
  ping_ok || { log "dockerd did not answer within 60 s; last log lines:"; tail -20 "$root/.build/dockerd.log" >&2; exit 1; }
fi
log "daemon answers: $(curl -s --unix-socket "$sock" -D - -o /dev/null http://localhost/_ping | tr -d '\r' | grep -i '^api-version' || true)"

# 2b. Local registries on loopback (plain :5000, htpasswd + TLS :5443) for the image tests and the demo.
bash "$root/scripts/registry.sh" start

# 3. Dev images, imported through the SDK's own `dockersdk-demo image import`.
[ "${1:-}" = "--no-images" ] && exit 0
images=${DOCKERSDK_IMAGES:-busybox redis mariadb}
log "building dockersdk-demo to import the dev images ($images)"
swift build --product dockersdk-demo >"$root/.build/setup-build.log" 2>&1 \
  || { tail -30 "$root/.build/setup-build.log" >&2; exit 1; }
DOCKERSDK_DEMO="$(swift build --show-bin-path)/dockersdk-demo"
export DOCKERSDK_DEMO
# shellcheck disable=SC2086
bash "$root/scripts/dev-images/build.sh" $images
