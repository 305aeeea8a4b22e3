#!/bin/bash
# Entrypoint of dockersdk/mariadb: Debian's MariaDB with the official mysql image's contract.
#
#   docker run -e MYSQL_ROOT_PASSWORD=secret IMAGE                       # mariadbd
#   docker run -e MYSQL_ROOT_PASSWORD=secret IMAGE --server-id=2 --log-bin=mysql-bin
#
# - First argument an option (`-...`): the server is run with those arguments.
# - On the first start (no $datadir/mysql), the data directory is initialized with
#   mariadb-install-db, then a temporary server (--skip-networking, socket only) gets:
#   the root password for 'root'@'localhost' and 'root'@'$MYSQL_ROOT_HOST' (default '%', all
#   privileges WITH GRANT OPTION), MYSQL_DATABASE, MYSQL_USER/MYSQL_PASSWORD (all privileges on
#   MYSQL_DATABASE), then /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz|*.sql.xz|*.sql.zst.
#   It is shut down and the real server is exec'd. Later starts skip all that.
# - One of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_RANDOM_ROOT_PASSWORD=yes is
#   required on the first start. Each variable may also be given as VAR_FILE (a path to read) or
#   with the MARIADB_ prefix (MARIADB_ROOT_PASSWORD, ...), as the official images accept.
# - Started as root, it prepares the data and socket directories, then runs everything (the
#   server too) as user mysql. Passwords are passed to clients on stdin or in a
#   process-substitution option file: never on a command line, never printed (except a
#   generated random root password, printed once as the official image does).
# - Extra configuration: /etc/mysql/conf.d/*.cnf, read after Debian's defaults, so it wins.
set -eo pipefail
shopt -s nullglob

log() { printf '%s [Note] [Entrypoint]: %s\n' "$(date '+%F %T')" "$*"; }
warn() { printf '%s [Warn] [Entrypoint]: %s\n' "$(date '+%F %T')" "$*" >&2; }
die() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date '+%F %T')" "$*" >&2; exit 1; }

# env_value NAME [DEFAULT]: sets CFG_NAME from MYSQL_NAME, MYSQL_NAME_FILE, MARIADB_NAME or
# MARIADB_NAME_FILE (first set wins; setting both a variable and its _FILE is an error).
env_value() {
  local name=$1 default=${2:-} prefix var file value="" found=""
  for prefix in MYSQL_ MARIADB_; do
    var=$prefix$name; file=${var}_FILE
    if [ -n "${!var:-}" ] && [ -n "${!file:-}" ]; then
      die "both $var and $file are set (but they are exclusive)"
    fi
    if [ -n "${!var:-}" ]; then value=${!var}; found=1; break; fi
    if [ -n "${!file:-}" ]; then
      [ -r "${!file}" ] || die "$file: cannot read ${!file}"
      value=$(<"${!file}"); found=1; break
    fi
  done
  [ -n "$found" ] || value=$default
  printf -v "CFG_$name" '%s' "$value"
  unset "MYSQL_$name" "MYSQL_${name}_FILE" "MARIADB_$name" "MARIADB_${name}_FILE"
}

is_yes() { case "${1,,}" in yes | y | true | 1 | on) return 0 ;; *) return 1 ;; esac; }

# The server's name as given: mariadbd, mysqld, or a path to either.
is_server() { case "${1##*/}" in mariadbd | mysqld) return 0 ;; *) return 1 ;; esac; }

wants_help() {
  local arg
  for arg; do
    case "$arg" in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac
  done
  return 1
}

# server_config NAME ARGS...: the server's effective value of option NAME (datadir, socket, ...).
server_config() {
  local name=$1; shift
  "$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>/dev/null \
    | awk -v name="$name" '$1 == name && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

# SQL string literal and identifier quoting.
sql_string() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }
# An option-file value (for [client] password=...).
cnf_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# sql_client [ARGS...]: the client on the temporary server's socket, as root; after the root
# password is set, the password comes from an option file on a pipe.
sql_client() {
  if [ -n "$ROOT_PASSWORD_SET" ]; then
    mariadb --defaults-extra-file=<(printf '[client]\npassword=%s\n' "$(cnf_string "$CFG_ROOT_PASSWORD")") \
      --protocol=socket --socket="$SOCKET" -uroot -hlocalhost --batch --skip-column-names "$@"
  else
    mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot -hlocalhost --batch --skip-column-names "$@"
  fi
}

start_temp_server() {
  log "starting a temporary server (no networking) for the initialization"
  "$@" --skip-networking --socket="$SOCKET" --default-time-zone=SYSTEM --skip-slave-start \
    --loose-wsrep-on=OFF --expire-logs-days=0 --loose-innodb-buffer-pool-load-at-startup=0 &
  TEMP_PID=$!
  local i
  for i in $(seq 1 120); do  # up to 60 s
    if ! kill -0 "$TEMP_PID" 2>/dev/null; then
      wait "$TEMP_PID" || true
      die "the temporary server exited during start-up (see above)"
    fi
    if sql_client -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "the temporary server did not answer within 60 s"
}

stop_temp_server() {
  local i
  kill -TERM "$TEMP_PID"
  for i in $(seq 1 240); do  # up to 120 s
    kill -0 "$TEMP_PID" 2>/dev/null || { wait "$TEMP_PID" || true; log "temporary server stopped"; return 0; }
    sleep 0.5
  done
  die "the temporary server did not stop within 120 s"
}

init_database() {
  # mariadb-install-db gets the server's arguments (page size and the like), minus binary logging.
  local out
  out=$(mktemp)
  log "initializing the data directory $DATADIR"
  if ! mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --skip-test-db "${@:2}" --skip-log-bin --expire-logs-days=0 \
    --default-time-zone=SYSTEM --loose-innodb-buffer-pool-load-at-startup=0 \
    --loose-innodb-buffer-pool-dump-at-shutdown=0 >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"
    die "mariadb-install-db failed"
  fi
  rm -f "$out"

  ROOT_PASSWORD_SET=""
  start_temp_server "$@"

  if [ -z "${MYSQL_INITDB_SKIP_TZINFO:-}" ] && [ -d /usr/share/zoneinfo ] && command -v mariadb-tzinfo-to-sql >/dev/null; then
    log "loading time zones"
    { echo 'SET @@SESSION.SQL_LOG_BIN=0;'; mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null; } | sql_client --database=mysql
  fi

  if is_yes "$CFG_RANDOM_ROOT_PASSWORD"; then
    CFG_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
    log "GENERATED ROOT PASSWORD: $CFG_ROOT_PASSWORD"
  fi

  local sql="" host
  host=$(cat /proc/sys/kernel/hostname 2>/dev/null || true)
  # Neither the removal of the bootstrap accounts nor the new ones go to the binary log.
  sql+="SET @@SESSION.SQL_LOG_BIN=0;"$'\n'
  sql+="SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');"$'\n'
  sql+="DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost';"$'\n'
  if [ -n "$host" ] && [ "$host" != localhost ]; then
    sql+="DROP USER IF EXISTS 'root'@$(sql_string "$host"), ''@$(sql_string "$host");"$'\n'
  fi
  if [ -n "$CFG_ROOT_PASSWORD" ]; then
    sql+="ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$CFG_ROOT_PASSWORD");"$'\n'
  fi
  if [ -n "$CFG_ROOT_HOST" ] && [ "$CFG_ROOT_HOST" != localhost ]; then
    sql+="CREATE USER 'root'@$(sql_string "$CFG_ROOT_HOST") IDENTIFIED BY $(sql_string "$CFG_ROOT_PASSWORD");"$'\n'
    sql+="GRANT ALL ON *.* TO 'root'@$(sql_string "$CFG_ROOT_HOST") WITH GRANT OPTION;"$'\n'
    sql+="GRANT PROXY ON ''@'%' TO 'root'@$(sql_string "$CFG_ROOT_HOST") WITH GRANT OPTION;"$'\n'
  fi
  if [ -n "$CFG_DATABASE" ]; then
    log "creating database $CFG_DATABASE"
    sql+="CREATE DATABASE IF NOT EXISTS $(sql_ident "$CFG_DATABASE");"$'\n'
  fi
  if [ -n "$CFG_USER" ]; then
    log "creating user $CFG_USER"
    sql+="CREATE USER $(sql_string "$CFG_USER")@'%' IDENTIFIED BY $(sql_string "$CFG_PASSWORD");"$'\n'
    if [ -n "$CFG_DATABASE" ]; then
      sql+="GRANT ALL ON $(sql_ident "${CFG_DATABASE//_/\\_}").* TO $(sql_string "$CFG_USER")@'%';"$'\n'
    fi
  fi
  sql+="FLUSH PRIVILEGES;"$'\n'
  sql_client --database=mysql <<<"$sql"
  unset sql
  [ -n "$CFG_ROOT_PASSWORD" ] && ROOT_PASSWORD_SET=1

  local f
  if [ -d /docker-entrypoint-initdb.d ] && { ! [ -r /docker-entrypoint-initdb.d ] || ! [ -x /docker-entrypoint-initdb.d ]; }; then
    warn "/docker-entrypoint-initdb.d is not readable by user $(id -un): its files are not run"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then log "running $f"; "$f"
        else log "sourcing $f"; . "$f"; fi ;;
      *.sql) log "running $f"; sql_client ${CFG_DATABASE:+--database="$CFG_DATABASE"} <"$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | sql_client ${CFG_DATABASE:+--database="$CFG_DATABASE"} ;;
      *.sql.xz) log "running $f"; xzcat "$f" | sql_client ${CFG_DATABASE:+--database="$CFG_DATABASE"} ;;
      *.sql.zst) log "running $f"; zstd -dc "$f" | sql_client ${CFG_DATABASE:+--database="$CFG_DATABASE"} ;;
      *) log "ignoring $f" ;;
    esac
  done

  stop_temp_server
  log "initialization done; starting the server"
}

if [ "${1#-}" != "$1" ]; then
  set -- mariadbd "$@"
fi

if is_server "$1" && ! wants_help "$@"; then
  # Fails early, with the server's own message, on a bad option or config file.
  if ! "$@" --verbose --help --log-bin-index="$(mktemp -u)" >/dev/null 2>/tmp/entrypoint-config-check.$$; then
    cat /tmp/entrypoint-config-check.$$ >&2; rm -f /tmp/entrypoint-config-check.$$
    die "the server's configuration check failed (arguments: ${*:2})"
  fi
  rm -f /tmp/entrypoint-config-check.$$
  DATADIR=$(server_config datadir "$@"); DATADIR=${DATADIR%/}
  SOCKET=$(server_config socket "$@")
  [ -n "$DATADIR" ] && [ -n "$SOCKET" ] || die "could not read datadir/socket from the server's configuration"

  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$DATADIR" "$(dirname "$SOCKET")" /run/mysqld
    find "$DATADIR" "$(dirname "$SOCKET")" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
    exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
  fi

  if [ ! -d "$DATADIR/mysql" ]; then
    env_value ROOT_PASSWORD
    env_value ALLOW_EMPTY_PASSWORD
    env_value RANDOM_ROOT_PASSWORD
    env_value ROOT_HOST %
    env_value DATABASE
    env_value USER
    env_value PASSWORD
    if [ -z "$CFG_ROOT_PASSWORD" ] && ! is_yes "$CFG_ALLOW_EMPTY_PASSWORD" && ! is_yes "$CFG_RANDOM_ROOT_PASSWORD"; then
      die "the database is uninitialized and no password option is given: set one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_RANDOM_ROOT_PASSWORD=yes"
    fi
    if [ -n "$CFG_USER" ] && [ "${CFG_USER,,}" = root ]; then
      die "MYSQL_USER=root: the root user is set up by MYSQL_ROOT_PASSWORD; use MYSQL_USER for another user"
    fi
    if [ -n "$CFG_USER" ] && [ -z "$CFG_PASSWORD" ]; then
      warn "MYSQL_USER is set but MYSQL_PASSWORD is not: $CFG_USER gets an empty password"
    fi
    if [ -z "$CFG_USER" ] && [ -n "$CFG_PASSWORD" ]; then
      warn "MYSQL_PASSWORD is set but MYSQL_USER is not: ignored"
    fi
    init_database "$@"
    unset CFG_ROOT_PASSWORD CFG_PASSWORD
  else
    log "data directory $DATADIR is initialized: skipping the initialization"
  fi
  # Passwords stay out of the server's environment.
  unset MYSQL_ROOT_PASSWORD MYSQL_PASSWORD MARIADB_ROOT_PASSWORD MARIADB_PASSWORD
fi

exec "$@"
