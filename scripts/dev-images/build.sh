#!/usr/bin/env bash
# Builds the dev images that are missing, from Debian packages, and imports them.
# Usage: scripts/dev-images/build.sh [busybox] [redis] [mariadb]
#   busybox  dockersdk/busybox:latest  Debian's static busybox (a second)
#   redis    dockersdk/redis:7         Debian's redis 7.0 (debootstrap ~25-80 s; ~20 s from the cache)
#   mariadb  dockersdk/mariadb:10.11   Debian's MariaDB 10.11, official mysql image's entrypoint
#                                      contract (debootstrap ~45-140 s; ~20 s from the cache)
# Root file systems are cached under /var/cache/dockersdk (lib.sh); scripts/dev-images/check.sh
# checks the images for real.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
sock=$DOCKERSDK_SOCKET
log() { printf '[dev-images] %s\n' "$*" >&2; }
[ $# -gt 0 ] || { log "nothing to build (usage: $0 busybox|redis|mariadb...)"; exit 0; }

have_image() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" "http://localhost/images/$1/json")
  [ "$code" = 200 ]
}

for name in "$@"; do
  case "$name" in
    busybox) ref=dockersdk/busybox:latest ;;
    redis) ref=dockersdk/redis:7 ;;
    mariadb) ref=dockersdk/mariadb:10.11 ;;
    *) log "unknown image $name"; exit 2 ;;
  esac
  if have_image "$ref"; then log "$ref present"; continue; fi
  log "building $ref"
  start=$SECONDS
  bash "$here/$name.sh" "$ref"
  log "$ref: $((SECONDS - start)) s"
  have_image "$ref" || { log "$ref was not created"; exit 1; }
done
