# Shared helpers for the dev-image scripts. Source it: `. "$here/lib.sh"`.
#
#   import_rootfs TARBALL REF [CHANGE...]
#       Imports a rootfs tarball as image REF, applying Dockerfile-style changes
#       (`CMD ["redis-server"]`, `ENV PATH=...`, `EXPOSE 6379`, `WORKDIR /data`, ...).
#       Uses `$DOCKERSDK_DEMO image import` when DOCKERSDK_DEMO names an executable,
#       otherwise POST /images/create?fromSrc=- over the unix socket with curl.
#
#   debootstrap_rootfs_tar PACKAGES...
#       Prints the path of a cached tarball of `debootstrap --variant=minbase
#       --include=PACKAGES $DOCKERSDK_DEBIAN_SUITE` (bookworm), building it on a miss.
#       The cache (/var/cache/dockersdk, or $DOCKERSDK_CACHE) is keyed by suite,
#       mirror and the sorted package list, so a rebuild after `docker rmi` skips debootstrap.
#
#   trim_rootfs DIR
#       Removes what an image never needs: apt lists and caches, docs, man and info pages,
#       locales other than the C ones, log files.
#
#   tar_rootfs DIR TARBALL
#       Tars DIR (numeric owners kept) for import.

: "${DOCKERSDK_SOCKET:=/var/run/docker.sock}"
: "${DOCKERSDK_CACHE:=/var/cache/dockersdk}"
: "${DOCKERSDK_DEBIAN_SUITE:=bookworm}"
: "${DOCKERSDK_DEBIAN_MIRROR:=http://deb.debian.org/debian}"

_di_log() { printf '[dev-images] %s\n' "$*" >&2; }

# Percent-encodes $1 for a URL query value (RFC 3986 unreserved characters stay).
_di_urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# Splits REF into repo and tag: name -> name:latest; host:5000/name -> host:5000/name:latest.
_di_split_ref() {
  local ref=$1 last=${1##*/}
  if [[ $last == *:* ]]; then
    _di_repo=${ref%:*}; _di_tag=${ref##*:}
  else
    _di_repo=$ref; _di_tag=latest
  fi
}

import_rootfs() {
  if [ $# -lt 2 ]; then
    _di_log "usage: import_rootfs TARBALL REF [CHANGE...]"; return 2
  fi
  local tarball=$1 ref=$2 change
  shift 2
  [ -f "$tarball" ] || { _di_log "import_rootfs: no such tarball: $tarball"; return 1; }

  if [ -n "${DOCKERSDK_DEMO:-}" ] && [ -x "$DOCKERSDK_DEMO" ]; then
    local args=()
    for change in "$@"; do args+=(--change "$change"); done
    _di_log "importing $ref with $DOCKERSDK_DEMO"
    "$DOCKERSDK_DEMO" image import "$tarball" "$ref" "${args[@]}"
    return
  fi

  local _di_repo _di_tag query out
  _di_split_ref "$ref"
  query="fromSrc=-&repo=$(_di_urlencode "$_di_repo")&tag=$(_di_urlencode "$_di_tag")"
  for change in "$@"; do query+="&changes=$(_di_urlencode "$change")"; done
  _di_log "importing $ref with curl (POST /images/create?fromSrc=-)"
  out=$(curl -sS --fail-with-body --unix-socket "$DOCKERSDK_SOCKET" -X POST \
    -H 'Content-Type: application/x-tar' -T "$tarball" \
    "http://localhost/images/create?$query") || {
    _di_log "import of $ref failed: $out"; return 1
  }
  # The answer is a stream of JSON lines; a failure mid-stream still comes with HTTP 200.
  if printf '%s\n' "$out" | grep -q '"error'; then
    _di_log "import of $ref failed: $out"; return 1
  fi
  return 0
}

debootstrap_rootfs_tar() {
  local pkgs key cache lock tmp dir start
  pkgs=$(printf '%s\n' "$@" | sort -u | paste -sd, -)
  key=$(printf 'minbase %s %s %s' "$DOCKERSDK_DEBIAN_SUITE" "$DOCKERSDK_DEBIAN_MIRROR" "$pkgs" | sha256sum | cut -c1-16)
  mkdir -p "$DOCKERSDK_CACHE"
  cache="$DOCKERSDK_CACHE/rootfs-$DOCKERSDK_DEBIAN_SUITE-$key.tar"
  lock="$cache.lock"
  (
    # One debootstrap per package list at a time; the second caller waits and reuses it.
    flock -w 900 9 || { _di_log "timed out waiting for $lock"; exit 1; }
    if [ -s "$cache" ]; then
      _di_log "cached rootfs for [$pkgs]: $cache"
      exit 0
    fi
    tmp=$(mktemp -d "$DOCKERSDK_CACHE/debootstrap.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    dir="$tmp/rootfs"
    start=$SECONDS
    _di_log "debootstrap $DOCKERSDK_DEBIAN_SUITE minbase + [$pkgs] (log: $tmp/debootstrap.log)"
    if ! debootstrap --variant=minbase --include="$pkgs" "$DOCKERSDK_DEBIAN_SUITE" "$dir" \
      "$DOCKERSDK_DEBIAN_MIRROR" >"$tmp/debootstrap.log" 2>&1; then
      _di_log "debootstrap failed; last lines:"; tail -20 "$tmp/debootstrap.log" >&2
      exit 1
    fi
    _di_log "debootstrap took $((SECONDS - start)) s"
    printf '%s\n' "$pkgs" >"$cache.packages"
    tar --numeric-owner -C "$dir" -cf "$tmp/rootfs.tar" .
    mv "$tmp/rootfs.tar" "$cache"
  ) 9>"$lock" || return 1
  printf '%s\n' "$cache"
}

trim_rootfs() {
  local dir=$1
  [ -d "$dir/usr" ] || { _di_log "trim_rootfs: $dir is not a rootfs"; return 1; }
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old \
    "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
    "$dir"/usr/share/lintian/* "$dir"/usr/share/linda/* \
    "$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/var/log/bootstrap.log \
    "$dir"/tmp/* "$dir"/var/tmp/*
  # Docs, except the copyright files.
  if [ -d "$dir/usr/share/doc" ]; then
    find "$dir/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
  fi
  # Translations other than the C/English ones.
  if [ -d "$dir/usr/share/locale" ]; then
    find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' ! -name 'C*' ! -name 'en*' \
      -exec rm -rf {} +
  fi
  # A container gets its own; the build host's leaked in through debootstrap.
  : >"$dir/etc/resolv.conf" 2>/dev/null || true
  rm -f "$dir/etc/hostname"
  # Keep dpkg from re-adding docs and man pages should someone apt-get install in a container.
  mkdir -p "$dir/etc/dpkg/dpkg.cfg.d"
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n' \
    >"$dir/etc/dpkg/dpkg.cfg.d/dockersdk-nodoc"
}

tar_rootfs() {
  tar --numeric-owner -C "$1" -cf "$2" .
}
