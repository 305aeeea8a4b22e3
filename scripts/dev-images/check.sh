#!/usr/bin/env bash
# Checks the dev images for real: a 6-node redis cluster, and MariaDB's entrypoint contract
# (TCP root login, wrong password refused, conf.d wins, restart keeps data, replication).
# Usage: scripts/dev-images/check.sh [redis] [mariadb]   (both when none given)
# Everything it creates carries the label com.dockersdk.recipe=dev-images-check, lives on its
# own network (10.213.0.0/24 unless DOCKERSDK_CHECK_SUBNET says otherwise) and is removed at
# the end, also on failure.
set -euo pipefail
label=com.dockersdk.recipe=dev-images-check
subnet=${DOCKERSDK_CHECK_SUBNET:-10.213.0.0/24}
prefix=${subnet%.*}   # 10.213.0
net=dic-net
redis_image=${REDIS_IMAGE:-dockersdk/redis:7}
mariadb_image=${MARIADB_IMAGE:-dockersdk/mariadb:10.11}
what=("$@"); [ ${#what[@]} -gt 0 ] || what=(redis mariadb)

log() { printf '[check] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local rc=$? ids c
  if [ "$rc" != 0 ]; then
    for c in $(docker ps -aq --filter "label=$label"); do
      log "--- last log lines of $(docker inspect -f '{{.Name}}' "$c")"
      docker logs --tail 15 "$c" 2>&1 | sed 's/^/    /' >&2
    done
  fi
  ids=$(docker ps -aq --filter "label=$label")
  [ -z "$ids" ] || docker rm -fv $ids >/dev/null
  ids=$(docker network ls -q --filter "label=$label")
  [ -z "$ids" ] || docker network rm $ids >/dev/null
}
trap cleanup EXIT
cleanup

# wait_for DESCRIPTION TRIES SLEEP COMMAND...: runs COMMAND until it succeeds, at most TRIES times.
wait_for() {
  local desc=$1 tries=$2 pause=$3 i; shift 3
  for ((i = 1; i <= tries; i++)); do
    if "$@" >/dev/null 2>&1; then log "$desc: after $i tries"; return 0; fi
    sleep "$pause"
  done
  fail "$desc: not after $tries tries"
}

docker network create --label "$label" --subnet "$subnet" "$net" >/dev/null
run() { docker run --label "$label" --network "$net" "$@"; }

check_redis() {
  local i addrs=() out
  log "redis: plain container (no arguments), reached from another container"
  run -d --name dic-redis-plain --ip "$prefix.10" "$redis_image" >/dev/null
  wait_for "plain redis answers PING" 40 0.25 docker exec dic-redis-plain redis-cli ping
  out=$(run --rm "$redis_image" redis-cli -h "$prefix.10" ping)
  log "  redis-cli -h $prefix.10 ping -> $out"; [ "$out" = PONG ] || fail "plain redis: $out"

  log "redis: 6 cluster-mode containers"
  for i in 1 2 3 4 5 6; do
    run -d --name "dic-redis-$i" --ip "$prefix.1$i" "$redis_image" \
      redis-server --port 6381 --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000 --appendonly yes --bind 0.0.0.0 --protected-mode no >/dev/null
    addrs+=("$prefix.1$i:6381")
  done
  for i in 1 2 3 4 5 6; do
    wait_for "redis-$i answers PING" 40 0.25 docker exec "dic-redis-$i" redis-cli -p 6381 ping
  done
  log "  redis-cli --cluster create ${addrs[*]} --cluster-replicas 1 --cluster-yes"
  out=$(docker exec dic-redis-1 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes 2>&1) ||
    { printf '%s\n' "$out" >&2; fail "cluster create"; }
  printf '%s\n' "$out" | grep -E '^\[OK\]|Adding replica|^M:' | sed 's/^/    /' >&2
  cluster_ok() { docker exec dic-redis-1 redis-cli -p 6381 cluster info | tr -d '\r' | grep -qx 'cluster_state:ok'; }
  wait_for "cluster_state:ok" 60 0.5 cluster_ok
  docker exec dic-redis-1 redis-cli -p 6381 cluster info | tr -d '\r' | grep -E 'cluster_state|cluster_slots_ok|cluster_known_nodes|cluster_size' | sed 's/^/    /' >&2
  out=$(run --rm "$redis_image" redis-cli -c -h "$prefix.11" -p 6381 set k1 v1)
  log "  redis-cli -c -h $prefix.11 -p 6381 set k1 v1 -> $out"; [ "$out" = OK ] || fail "set k1"
  out=$(run --rm "$redis_image" redis-cli -c -h "$prefix.14" -p 6381 get k1)
  log "  redis-cli -c -h $prefix.14 -p 6381 get k1 -> $out"; [ "$out" = v1 ] || fail "get k1"
  out=$(docker exec dic-redis-1 sh -c 'pwd; ls /data /data/appendonlydir 2>/dev/null | tr "\n" " "')
  log "  files in redis-1's working directory: $out"
  docker rm -fv dic-redis-plain dic-redis-{1..6} >/dev/null
  log "redis: OK (containers removed)"
}

check_mariadb() {
  local pw='r00t "pa$$" \w0rd'\''s' out pos file
  # sql HOST [mysql args...]: the mariadb client in a throw-away container on the network; the
  # password goes in through MYSQL_PWD, not the command line.
  sql() { local host=$1; shift; run --rm -e MYSQL_PWD="$pw" "$mariadb_image" mariadb -h "$host" -uroot --batch --skip-column-names "$@"; }
  slave_status() { run --rm -e MYSQL_PWD="$pw" "$mariadb_image" mariadb -h "$1" -uroot -e 'SHOW SLAVE STATUS\G'; }
  ping_tcp() { run --rm -e MYSQL_PWD="$pw" "$mariadb_image" mariadb-admin -h "$1" -uroot --connect-timeout=2 ping; }

  log "mariadb: master with --server-id=7 --log-bin=mysql-bin"
  run -d --name dic-mariadb-1 --ip "$prefix.21" -e MYSQL_ROOT_PASSWORD="$pw" -e MYSQL_DATABASE=app \
    -e MYSQL_USER=appuser -e MYSQL_PASSWORD=apppw "$mariadb_image" --server-id=7 --log-bin=mysql-bin >/dev/null
  wait_for "dic-mariadb-1 accepts TCP logins" 90 1 ping_tcp "$prefix.21"
  out=$(sql "$prefix.21" -e 'select @@server_id, @@log_bin, @@bind_address')
  log "  select @@server_id, @@log_bin, @@bind_address -> $out"
  [ "$(printf '%s' "$out" | tr '\t' ' ')" = "7 1 0.0.0.0" ] || fail "server_id/log_bin: $out"
  out=$(sql "$prefix.21" -e "select concat(user,'@',host) from mysql.user order by 1" | tr '\n' ' ')
  log "  accounts: $out"
  out=$(sql "$prefix.21" -e "show grants for 'root'@'%'" | head -1)
  log "  show grants for root@%: $out"
  printf '%s' "$out" | grep -q 'WITH GRANT OPTION' || fail "root@% lacks WITH GRANT OPTION"
  out=$(run --rm -e MYSQL_PWD=apppw "$mariadb_image" mariadb -h "$prefix.21" -uappuser --batch --skip-column-names -e 'select database(); show databases' app | tr '\n' ' ')
  log "  appuser (MYSQL_USER) on MYSQL_DATABASE app: $out"
  out=$(run --rm -e MYSQL_PWD=wrong "$mariadb_image" mariadb -h "$prefix.21" -uroot -e 'select 1' 2>&1) && fail "wrong password accepted"
  log "  wrong password -> $out"; printf '%s' "$out" | grep -q 'ERROR 1045' || fail "wrong password: $out"
  docker logs dic-mariadb-1 2>&1 | grep -qF 'pa$$' && fail "the password appears in the logs"
  log "  the password does not appear in docker logs"

  log "mariadb: replication to a second server"
  run -d --name dic-mariadb-2 --ip "$prefix.22" -e MYSQL_ROOT_PASSWORD="$pw" "$mariadb_image" \
    --server-id=8 --log-bin=mysql-bin >/dev/null
  sql "$prefix.21" -e "CREATE USER 'repl'@'%' IDENTIFIED BY 'replpw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';"
  out=$(sql "$prefix.21" -e 'SHOW MASTER STATUS')
  file=$(printf '%s' "$out" | cut -f1); pos=$(printf '%s' "$out" | cut -f2)
  log "  master status: file=$file pos=$pos"
  wait_for "dic-mariadb-2 accepts TCP logins" 90 1 ping_tcp "$prefix.22"
  sql "$prefix.22" -e "CHANGE MASTER TO MASTER_HOST='$prefix.21', MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_LOG_FILE='$file', MASTER_LOG_POS=$pos; START SLAVE;"
  slave_running() {
    local s; s=$(slave_status "$prefix.22")
    printf '%s' "$s" | grep -q 'Slave_IO_Running: Yes' && printf '%s' "$s" | grep -q 'Slave_SQL_Running: Yes'
  }
  wait_for "slave IO and SQL threads running" 30 1 slave_running
  slave_status "$prefix.22" | grep -E 'Slave_(IO|SQL)_Running:|Master_Host|Last_(IO_)?Error:' | sed 's/^ */    /' >&2
  sql "$prefix.21" -e "CREATE DATABASE repltest; CREATE TABLE repltest.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO repltest.t VALUES (1, 'from-master');"
  replicated() { [ "$(sql "$prefix.22" -e 'SELECT v FROM repltest.t WHERE id = 1')" = from-master ]; }
  wait_for "table created on the master appears on the slave" 30 0.5 replicated
  log "  slave: SELECT v FROM repltest.t -> $(sql "$prefix.22" -e 'SELECT v FROM repltest.t WHERE id = 1')"

  log "mariadb: restart keeps the data and does not re-initialize"
  docker restart dic-mariadb-1 >/dev/null
  wait_for "dic-mariadb-1 accepts TCP logins after restart" 90 1 ping_tcp "$prefix.21"
  out=$(sql "$prefix.21" -e 'SELECT v FROM repltest.t WHERE id = 1')
  log "  after restart: SELECT v FROM repltest.t -> $out"; [ "$out" = from-master ] || fail "data lost on restart"
  out=$(docker logs dic-mariadb-1 2>&1 | grep -c 'initializing the data directory' || true)
  log "  'initializing the data directory' in the logs: $out time(s); $(docker logs dic-mariadb-1 2>&1 | grep -o 'data directory .* is initialized: skipping the initialization' | head -1)"
  [ "$out" = 1 ] || fail "re-initialized on restart"
  wait_for "slave reconnects after the master's restart" 60 1 slave_running

  log "mariadb: a file in /etc/mysql/conf.d takes effect and wins over Debian's defaults"
  docker create --label "$label" --network "$net" --name dic-mariadb-3 --ip "$prefix.23" \
    -e MYSQL_ALLOW_EMPTY_PASSWORD=yes "$mariadb_image" >/dev/null
  local tmp; tmp=$(mktemp -d)
  printf '[mysqld]\nmax_connections = 77\ncharacter-set-server = latin1\ncollation-server = latin1_swedish_ci\n' >"$tmp/zz-check.cnf"
  docker cp "$tmp/zz-check.cnf" dic-mariadb-3:/etc/mysql/conf.d/zz-check.cnf
  rm -rf "$tmp"
  docker start dic-mariadb-3 >/dev/null
  ping_empty() { run --rm "$mariadb_image" mariadb-admin -h "$prefix.23" -uroot --connect-timeout=2 ping; }
  wait_for "dic-mariadb-3 accepts TCP logins (empty root password)" 90 1 ping_empty
  out=$(run --rm "$mariadb_image" mariadb -h "$prefix.23" -uroot --batch --skip-column-names -e 'select @@max_connections, @@character_set_server, @@bind_address')
  log "  select @@max_connections, @@character_set_server, @@bind_address -> $out"
  [ "$(printf '%s' "$out" | tr '\t' ' ')" = "77 latin1 0.0.0.0" ] || fail "conf.d: $out"

  log "mariadb: no password option -> refuses to initialize"
  out=$(run --rm "$mariadb_image" 2>&1) && fail "started without a password option"
  log "  $(printf '%s' "$out" | tail -1)"

  docker rm -fv dic-mariadb-1 dic-mariadb-2 dic-mariadb-3 >/dev/null
  log "mariadb: OK (containers removed)"
}

for w in "${what[@]}"; do
  case "$w" in
    redis) check_redis ;;
    mariadb) check_mariadb ;;
    *) fail "unknown check $w" ;;
  esac
done
log "all checks passed"
