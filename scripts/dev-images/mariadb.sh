#!/usr/bin/env bash
# dockersdk/mariadb: Debian bookworm's MariaDB 10.11 on a minbase rootfs, with an entrypoint that
# honours the official mysql image's contract (mariadb/docker-entrypoint.sh), imported as an image.
# Usage: scripts/dev-images/mariadb.sh [REF]   (REF defaults to dockersdk/mariadb:10.11)
#   docker run -d -e MYSQL_ROOT_PASSWORD=... IMAGE --server-id=2 --log-bin=mysql-bin
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ref=${1:-dockersdk/mariadb:10.11}
start=$SECONDS

base=$(debootstrap_rootfs_tar mariadb-server mariadb-client)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir "$root"
tar --numeric-owner -C "$root" -xf "$base"
trim_rootfs "$root"

# The mysql user and group, as numbers: chown on the host must not resolve names with the host's files.
uid=$(awk -F: '$1 == "mysql" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "mysql" { print $4 }' "$root/etc/passwd")
[ -n "$uid" ] && [ -n "$gid" ] || { _di_log "no mysql user in the rootfs"; exit 1; }

# The package's postinst initialized a data directory: the image ships it empty, so the
# entrypoint initializes it on the first start with the container's passwords.
rm -rf "${root:?}/var/lib/mysql" "$root/run/mysqld"
mkdir -p "$root/var/lib/mysql" "$root/run/mysqld" "$root/docker-entrypoint-initdb.d"
chown "$uid:$gid" "$root/var/lib/mysql" "$root/run/mysqld"
chmod 755 "$root/var/lib/mysql" "$root/run/mysqld"

# Configuration: Debian reads conf.d first, then mariadb.conf.d (whose 50-server.cnf binds
# 127.0.0.1). The official images' contract is the reverse: /etc/mysql/conf.d wins.
cnf="$root/etc/mysql/mariadb.cnf"
grep -qx '!includedir /etc/mysql/conf.d/' "$cnf" && grep -qx '!includedir /etc/mysql/mariadb.conf.d/' "$cnf" || {
  _di_log "unexpected $cnf: no includedir lines"; exit 1
}
sed -i -e '/^!includedir \/etc\/mysql\/conf.d\/$/d' "$cnf"
printf '# dockersdk: conf.d last, so that its settings win over the defaults in mariadb.conf.d.\n!includedir /etc/mysql/conf.d/\n' >>"$cnf"
sed -i -e 's|^# 2\. "/etc/mysql/conf.d/\*.cnf" to set global options\.|# 2. "/etc/mysql/mariadb.conf.d/*.cnf" to set defaults (Debian'"'"'s, then 90-docker.cnf),|' \
  -e 's|^# 3\. "/etc/mysql/mariadb.conf.d/\*.cnf" to set MariaDB-only options\.|# 3. "/etc/mysql/conf.d/*.cnf" to set local options: these win (dockersdk image),|' "$cnf"
[ "$(readlink "$root/etc/mysql/my.cnf")" = /etc/alternatives/my.cnf ] && [ "$(readlink "$root/etc/alternatives/my.cnf")" = /etc/mysql/mariadb.cnf ] || {
  _di_log "unexpected /etc/mysql/my.cnf link"; exit 1
}
sed -i -e 's|^bind-address\(\s*\)= 127.0.0.1|#bind-address\1= 127.0.0.1  (dockersdk: 0.0.0.0, see 90-docker.cnf)|' \
  "$root/etc/mysql/mariadb.conf.d/50-server.cnf"
cat >"$root/etc/mysql/mariadb.conf.d/90-docker.cnf" <<'CNF'
# dockersdk image defaults; /etc/mysql/conf.d/*.cnf is read after this file and wins.
[mariadbd]
bind-address = 0.0.0.0
skip-name-resolve
skip-host-cache
CNF

install -m 755 "$here/mariadb/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
tar_rootfs "$root" "$work/rootfs.tar"
import_rootfs "$work/rootfs.tar" "$ref" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'EXPOSE 3306' \
  'ENTRYPOINT ["docker-entrypoint.sh"]' \
  'CMD ["mariadbd"]'
_di_log "$ref built in $((SECONDS - start)) s"
