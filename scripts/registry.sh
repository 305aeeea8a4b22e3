#!/usr/bin/env bash
# Starts (idempotently) two local registries for the tests and the demo, both on loopback only:
#   127.0.0.1:5000  plain HTTP, no auth
#   127.0.0.1:5443  TLS (a CA and a server certificate made here) + htpasswd basic auth
# Debian's docker-registry (distribution 2.8) serves both. The daemon trusts the CA through
# /etc/docker/certs.d/127.0.0.1:5443/ca.crt (read at each push/pull: no daemon restart).
#
# State lives in $DOCKERSDK_REGISTRY_DIR (default /var/lib/dockersdk-registry), shared by every
# checkout on the machine (the ports are too): certs/, auth/htpasswd, auth/credentials (the test
# user's name and password, mode 600: tests read it; it is never printed), storage roots, pid files.
# Logs go to the calling checkout's .build/registry-{plain,auth}.log.
# Usage: scripts/registry.sh [start|stop|status]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${DOCKERSDK_REGISTRY_DIR:-/var/lib/dockersdk-registry}
log() { printf '[registry] %s\n' "$*" >&2; }
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

plain_addr=127.0.0.1:5000
auth_addr=127.0.0.1:5443
certs_d=/etc/docker/certs.d/$auth_addr

plain_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$plain_addr/v2/" 2>/dev/null)" = 200 ]; }
# Unauthenticated /v2/ on the auth registry answers 401 once it serves TLS with our CA.
auth_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$dir/certs/ca.crt" "https://$auth_addr/v2/" 2>/dev/null)" = 401 ]; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_one() {
  local pidfile=$dir/run/$1.pid
  if alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

case "${1:-start}" in
  stop) stop_one plain; stop_one auth; log "stopped"; exit 0 ;;
  status)
    plain_up && log "plain registry answers on $plain_addr" || log "plain registry down"
    [ -f "$dir/certs/ca.crt" ] && auth_up && log "auth+TLS registry answers on $auth_addr" || log "auth+TLS registry down"
    exit 0 ;;
  start) ;;
  *) log "usage: $0 [start|stop|status]"; exit 2 ;;
esac

need=()
for pkg in docker-registry apache2-utils openssl curl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

$sudo_cmd mkdir -p "$dir/certs" "$dir/auth" "$dir/run" "$dir/storage/plain" "$dir/storage/auth" "$root/.build"
$sudo_cmd chmod 700 "$dir/auth"

# A CA and a server certificate for 127.0.0.1 (made once; kept while valid for 30 more days).
if [ ! -f "$dir/certs/server.crt" ] || ! openssl x509 -checkend 2592000 -noout -in "$dir/certs/server.crt" >/dev/null 2>&1; then
  log "making a CA and a server certificate for 127.0.0.1 in $dir/certs"
  tmp=$(mktemp -d)
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=DockerSDK test registry CA" \
    -keyout "$tmp/ca.key" -out "$tmp/ca.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tmp/server.key" -out "$tmp/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial -days 825 \
    -extfile "$tmp/ext.cnf" -out "$tmp/server.crt" >/dev/null 2>&1
  chmod 600 "$tmp/ca.key" "$tmp/server.key"
  $sudo_cmd cp "$tmp/ca.crt" "$tmp/ca.key" "$tmp/server.crt" "$tmp/server.key" "$dir/certs/"
  rm -rf "$tmp"
  stop_one auth   # a running registry would keep serving the old certificate
fi
# The daemon trusts our CA for this registry only.
if ! cmp -s "$dir/certs/ca.crt" "$certs_d/ca.crt" 2>/dev/null; then
  log "the daemon trusts the CA via $certs_d/ca.crt"
  $sudo_cmd mkdir -p "$certs_d"
  $sudo_cmd cp "$dir/certs/ca.crt" "$certs_d/ca.crt"
fi

# The test user: a random password made once, kept in auth/credentials (mode 600), bcrypt in htpasswd.
# The password goes to htpasswd on stdin (-i), never on a command line.
if [ ! -s "$dir/auth/credentials" ] || [ ! -s "$dir/auth/htpasswd" ]; then
  log "creating the test user in $dir/auth (password in $dir/auth/credentials)"
  user=dockersdk-test
  pass=$(openssl rand -hex 16)
  (umask 077
   printf 'username=%s\npassword=%s\nserver=%s\n' "$user" "$pass" "$auth_addr" >"$dir/auth/credentials.tmp"
   printf '%s' "$pass" | htpasswd -iBn "$user" >"$dir/auth/htpasswd.tmp" 2>/dev/null)
  mv "$dir/auth/htpasswd.tmp" "$dir/auth/htpasswd"
  mv "$dir/auth/credentials.tmp" "$dir/auth/credentials"
  unset pass
  stop_one auth
fi

write_config() { # name addr extra-http extra-top
  cat >"$dir/$1.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage/$1
  delete:
    enabled: true
http:
  addr: $2
$3
$4
EOF
}

start_one() { # name check-function
  local name=$1 up=$2 pidfile=$dir/run/$1.pid logfile=$root/.build/registry-$1.log
  if $up; then return 0; fi
  if alive "$pidfile"; then
    # Started but not answering yet (or wedged): give it a moment, then restart it.
    for _ in $(seq 1 20); do $up && return 0; sleep 0.25; done
    stop_one "$name"
  fi
  log "starting the $name registry (log: $logfile)"
  nohup setsid docker-registry serve "$dir/$name.yml" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 80); do $up && return 0; sleep 0.25; done
  log "the $name registry did not answer within 20 s; last log lines:"
  tail -20 "$logfile" >&2
  return 1
}

write_config plain "$plain_addr" "" ""
write_config auth "$auth_addr" "  tls:
    certificate: $dir/certs/server.crt
    key: $dir/certs/server.key" "auth:
  htpasswd:
    realm: dockersdk-registry
    path: $dir/auth/htpasswd"

start_one plain plain_up
start_one auth auth_up
log "registries answer: http://$plain_addr (plain), https://$auth_addr (htpasswd + TLS, CA $dir/certs/ca.crt)"
