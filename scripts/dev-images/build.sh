#!/usr/bin/env bash
# Builds the dev images that are missing, from Debian packages, and imports them.
# Usage: scripts/dev-images/build.sh [busybox] [redis] [mariadb]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sock=${DOCKERSDK_SOCKET:-/var/run/docker.sock}
log() { printf '[dev-images] %s\n' "$*" >&2; }

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
  bash "$here/$name.sh" "$ref"
  have_image "$ref" || { log "$ref was not created"; exit 1; }
done
