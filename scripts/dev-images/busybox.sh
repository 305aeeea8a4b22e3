#!/usr/bin/env bash
# dockersdk/busybox: Debian's static busybox with every applet linked, imported as an image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ref=${1:-dockersdk/busybox:latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/root"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$work/rootfs/bin/$applet" ] || ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs/etc/group"
chmod 1777 "$work/rootfs/tmp"
tar --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
import_rootfs "$work/rootfs.tar" "$ref" 'CMD ["sh"]'
