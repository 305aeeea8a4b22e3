#!/usr/bin/env bash
# dockersdk/redis: Debian bookworm's redis-server (7.0) on a minbase rootfs, imported as an image.
# Usage: scripts/dev-images/redis.sh [REF]   (REF defaults to dockersdk/redis:7)
# `docker run IMAGE redis-server --port 6381 --cluster-enabled yes ...` runs redis-server in the
# foreground with those arguments; WORKDIR /data, so nodes.conf, dump.rdb and the AOF land there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ref=${1:-dockersdk/redis:7}
start=$SECONDS

base=$(debootstrap_rootfs_tar redis-server redis-tools)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/rootfs"
tar --numeric-owner -C "$work/rootfs" -xf "$base"
trim_rootfs "$work/rootfs"
mkdir -p "$work/rootfs/data"
install -m 755 "$here/redis/docker-entrypoint.sh" "$work/rootfs/usr/local/bin/docker-entrypoint.sh"
tar_rootfs "$work/rootfs" "$work/rootfs.tar"
import_rootfs "$work/rootfs.tar" "$ref" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'WORKDIR /data' \
  'EXPOSE 6379' \
  'ENTRYPOINT ["docker-entrypoint.sh"]' \
  'CMD ["redis-server"]'
_di_log "$ref built in $((SECONDS - start)) s"
