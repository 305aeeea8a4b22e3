#!/usr/bin/env bash
# dockersdk/busybox: Debian's static busybox with every applet linked, imported as an image.
set -euo pipefail
ref=${1:-dockersdk/busybox:latest}
sock=${DOCKERSDK_SOCKET:-/var/run/docker.sock}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/root"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$work/rootfs/bin/$applet" ] || ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs/etc/group"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
repo=${ref%:*}; tag=${ref##*:}
# Imported with curl here; the SDK's own `dockersdk-demo image import` does the same for the larger images.
curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' --data-binary @"$work/rootfs.tar" \
  "http://localhost/images/create?fromSrc=-&repo=$repo&tag=$tag&changes=CMD%20%5B%22sh%22%5D" >/dev/null
