#!/usr/bin/env bash
# A private dockerd for tests that kill a daemon (issue 12 item 2): never the main one.
#
#   scripts/private-dockerd.sh start    start it unless it runs; wait (at most 60 s) until /_ping answers
#   scripts/private-dockerd.sh kill     SIGKILL its dockerd (only that process; containerd and shims stay,
#                                       as after a crash); `start` brings it back over the same state
#   scripts/private-dockerd.sh stop     TERM it, then KILL what is left of its processes (dockerd, its
#                                       containerd, shims), unmount everything under its folders, remove them
#   scripts/private-dockerd.sh status   exit 0 and print the socket when it answers, else exit 1
#
# Socket unix:///run/dsdk-faults/docker.sock (DSDK_PRIVATE_DOCKERD_RUN changes /run/dsdk-faults, and
# DSDK_PRIVATE_DOCKERD_DATA /var/lib/dsdk-faults). No iptables; its default bridge is a bridge of its
# own, dsdkfaults0 on 192.168.219.0/24, made here and removed by stop (tests use NetworkMode none or
# host). NEVER `--bridge none`: a dockerd started with it deletes the host's docker0, the main
# daemon's bridge (moby's removeDefaultBridgeInterface). Its own empty config file (the main daemon's
# /etc/docker/daemon.json is not read), exec root, containerd, pid file and cgroup parent
# (dsdk-faults). Needs root.
set -uo pipefail
RUN=${DSDK_PRIVATE_DOCKERD_RUN:-/run/dsdk-faults}
DATA=${DSDK_PRIVATE_DOCKERD_DATA:-/var/lib/dsdk-faults}
SOCK=$RUN/docker.sock
PIDFILE=$RUN/docker.pid
LOG=$RUN/dockerd.log
BRIDGE=dsdkfaults0
BRIDGE_CIDR=192.168.219.1/24
log() { printf '[private-dockerd] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

ping_ok() { [ -S "$SOCK" ] && curl -s --max-time 2 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null | grep -qx OK; }

# The private dockerd's pid, when its pid file names a live dockerd listening on our socket.
dockerd_pid() {
  local pid cmd
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ "$cmd" == *"dockerd --host unix://$SOCK "* ]] || return 1
  echo "$pid"
}

# Every process whose command line names our folders: dockerd, its containerd, the shims.
own_pids() {
  local pid cmd proc
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = "$$" ] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    case "$cmd" in
      *"$0"*) continue ;;
      *"unix://$RUN/"*|*"--address $RUN/"*|*"-address $RUN/"*|*" --root $DATA/"*|*" --state $RUN/"*|*"--exec-root $RUN/"*|*"$RUN/exec/"*) echo "$pid" ;;
    esac
  done
  return 0
}

cmd_start() {
  [ "$(id -u)" = 0 ] || die "needs root"
  command -v dockerd >/dev/null || die "no dockerd (apt-get install docker.io)"
  if ping_ok; then echo "unix://$SOCK"; return 0; fi
  mkdir -p "$RUN/exec" "$DATA"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add name "$BRIDGE" type bridge && ip addr add "$BRIDGE_CIDR" dev "$BRIDGE" && ip link set "$BRIDGE" up \
      || die "cannot create the bridge $BRIDGE"
  fi
  [ -f "$RUN/daemon.json" ] || echo '{}' >"$RUN/daemon.json"
  if pid=$(dockerd_pid); then
    log "dockerd $pid runs but does not answer yet"
  else
    log "starting dockerd (log: $LOG)"
    # setsid: the daemon outlives the test process that started it (stop removes it). Descriptors
    # other than 0-2 are closed first: a caller's pipe kept open by the daemon would never see EOF.
    (
      for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
      exec setsid dockerd --host "unix://$SOCK" --data-root "$DATA" --exec-root "$RUN/exec" --pidfile "$PIDFILE" \
        --config-file "$RUN/daemon.json" --bridge "$BRIDGE" --iptables=false --ip-masq=false --ip-forward=false \
        --cgroup-parent dsdk-faults >>"$LOG" 2>&1 </dev/null
    ) &
  fi
  for _ in $(seq 1 120); do
    ping_ok && { echo "unix://$SOCK"; return 0; }
    sleep 0.5
  done
  log "the private dockerd did not answer within 60 s; last log lines:"
  tail -20 "$LOG" >&2
  return 1
}

cmd_kill() {
  local pid
  pid=$(dockerd_pid) || die "no private dockerd runs"
  kill -KILL "$pid"
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || { echo "$pid"; return 0; }
    sleep 0.05
  done
  die "dockerd $pid survived SIGKILL for 5 s"
}

cmd_stop() {
  [ "$(id -u)" = 0 ] || die "needs root"
  local pid
  if pid=$(dockerd_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
  fi
  for p in $(own_pids); do kill -KILL "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do [ -z "$(own_pids)" ] && break; sleep 0.25; done
  [ -z "$(own_pids)" ] || log "warning: processes survive: $(own_pids | tr '\n' ' ')"
  local mounts
  for _ in 1 2 3; do
    mounts=$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($RUN|$DATA)(/|$)" | sort -r || true)
    [ -z "$mounts" ] && break
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
  mounts=$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($RUN|$DATA)(/|$)" || true)
  [ -z "$mounts" ] || die "mounts remain, not removing $RUN and $DATA: $mounts"
  rm -rf "$DATA" "$RUN"
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  # The cgroup parent (cgroup v1: one folder per controller), once empty.
  for dir in /sys/fs/cgroup/*/dsdk-faults /sys/fs/cgroup/dsdk-faults; do
    [ -d "$dir" ] || continue
    find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  log "stopped; $RUN and $DATA removed"
}

cmd_status() {
  if ping_ok; then echo "unix://$SOCK"; return 0; fi
  if pid=$(dockerd_pid); then log "dockerd $pid runs but does not answer"; else log "not running"; fi
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  kill) cmd_kill ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|kill|stop|status" >&2; exit 2 ;;
esac
