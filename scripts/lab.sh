#!/usr/bin/env bash
# A lab of N Docker "hosts" on this machine, forming a Swarm (scripts/lab.sh up N | down | status).
#
#   up N     N dockerd hosts h1..hN (N 1..9), each in its own network namespace (dsdklab-hN) and UTS
#            namespace (hostname hN), joined by the bridge dsdklab0 on 10.231.0.0/24 (hN is 10.231.0.N,
#            the bridge 10.231.0.254; no default route). Waits until each answers, forms the swarm through the SDK
#            (`dockersdk-demo swarm init/join`, h1 the first manager), loads the dev images into each host,
#            then prints one line per host: `hN unix:///run/lab/hN/docker.sock 10.231.0.N`.
#            Managers: LAB_MANAGERS (default 3 when N >= 3, else 1): h1..hM managers (raft quorum 2 of 3,
#            so the control plane survives the loss of any one of them), the others workers.
#            Idempotent: what is already there and healthy is kept; `up N` on a smaller running lab adds
#            the missing hosts (e.g. `up 4` on a lab of 3 adds h4), and the roles are set as asked.
#   down     Stops the hosts and removes everything: dockerds (and their containerd), mounts under the
#            exec roots, namespaces, veths, the bridge, the iptables rule, cgroups, /run/lab, /var/lib/lab.
#            Works after a failed or partial `up`.
#   status   Prints the host lines of a running lab (exit 1 when there is none).
#
# Environment: LAB_MANAGERS (see up), LAB_TMPFS (1: data roots on a tmpfs, the default; 0: on disk), LAB_IMAGES (default "dockersdk/busybox:latest dockersdk/redis:7"), DOCKERSDK_DEMO (the
# demo binary; default: built with `swift build --product dockersdk-demo`), LAB_SOURCE_SOCKET (where the
# images come from, default /var/run/docker.sock).
# Facts this relies on are in shared/docs/environment.md ("Several Docker hosts and a Swarm").
set -euo pipefail

BRIDGE=dsdklab0
NET_PREFIX=10.231.0
BRIDGE_ADDR=$NET_PREFIX.254
POOL=10.231.128.0/17          # overlay networks' address pool (never the underlay)
RUN=/run/lab
DATA=/var/lib/lab
NS_PREFIX=dsdklab-h
SOURCE_SOCKET=${LAB_SOURCE_SOCKET:-/var/run/docker.sock}
IMAGES=${LAB_IMAGES:-dockersdk/busybox:latest dockersdk/redis:7}
root=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[lab] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "run as root (namespaces, bridge, iptables)"; }

# Whether `ip addr` output $1 lists address $2 (no pipe into grep -q: pipefail would see SIGPIPE).
has_addr() { [[ "$1" == *"inet $2 "* ]]; }

ping_ok() { curl -s --max-time 2 --unix-socket "$1" http://localhost/_ping 2>/dev/null | grep -qx OK; }

# The dockerd of host i, when its pid file names a live dockerd.
host_pid() {
  local pidfile=$RUN/h$1/docker.pid pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  local cmd
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ "$cmd" == *"dockerd --host unix://$RUN/h$1/docker.sock"* ]] || return 1
  echo "$pid"
}

demo_bin() {
  if [ -n "${DOCKERSDK_DEMO:-}" ]; then echo "$DOCKERSDK_DEMO"; return; fi
  local bin
  bin="$(cd "$root" && swift build --show-bin-path)/dockersdk-demo"
  if [ ! -x "$bin" ]; then
    log "building dockersdk-demo"
    (cd "$root" && swift build --product dockersdk-demo >&2)
  fi
  echo "$bin"
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  has_addr "$(ip addr show dev "$BRIDGE")" "$BRIDGE_ADDR/24" || ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # The main dockerd's FORWARD policy is DROP: let the hosts talk over the bridge (before any join).
  local chain=DOCKER-USER
  iptables -S "$chain" >/dev/null 2>&1 || chain=FORWARD
  iptables -C "$chain" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null \
    || iptables -I "$chain" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
}

ensure_netns() {
  local i=$1 ns=$NS_PREFIX$1 veth=$NS_PREFIX$1 peer=$NS_PREFIX$1-p
  [ -e "/var/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip netns exec "$ns" ip link del eth0 2>/dev/null || true
    ip link add "$veth" type veth peer name "$peer"
    ip link set "$peer" netns "$ns"
    ip netns exec "$ns" ip link set "$peer" name eth0
  fi
  ip link set "$veth" master "$BRIDGE"
  ip link set "$veth" up
  ip netns exec "$ns" ip link set lo up
  has_addr "$(ip netns exec "$ns" ip addr show dev eth0)" "$NET_PREFIX.$i/24" \
    || ip netns exec "$ns" ip addr add "$NET_PREFIX.$i/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
  # No default route: a host reaches the other hosts (10.231.0.0/24) and nothing else.
  ip netns exec "$ns" ip route del default 2>/dev/null || true
}

# Starts host i's dockerd unless it runs. `ip netns exec` remounts /sys (dockerd then fails with
# "Devices cgroup isn't mounted"): enter the network namespace with nsenter, the UTS one with unshare.
start_dockerd() {
  local i=$1 dir=$RUN/h$1
  if host_pid "$i" >/dev/null; then return 0; fi
  mkdir -p "$dir/exec" "$DATA/h$i"
  rm -f "$dir/docker.sock" "$dir/docker.pid"
  log "starting dockerd h$i (log: $dir/dockerd.log)"
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: swarm tasks use the loaded image instead of trying a
  # registry first (no registry is reachable; each try cost ~20 s of DNS timeouts per task).
  setsid nsenter --net="/var/run/netns/$NS_PREFIX$i" unshare --uts sh -c "hostname h$i; \
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 exec dockerd \
    --host unix://$dir/docker.sock --data-root $DATA/h$i --exec-root $dir/exec --pidfile $dir/docker.pid \
    --cgroup-parent lab-h$i" >"$dir/dockerd.log" 2>&1 </dev/null &
}

wait_dockerd() {
  local i=$1 sock=$RUN/h$1/docker.sock
  for _ in $(seq 1 120); do
    ping_ok "$sock" && return 0
    sleep 0.5
  done
  log "h$i did not answer within 60 s; last log lines:"
  tail -15 "$RUN/h$i/dockerd.log" >&2 || true
  return 1
}

# Loads the dev images into every host lacking one: one `docker save` from the main daemon, then
# `docker load` into the hosts in parallel.
load_images() {
  local n=$1 missing=() hosts=()
  for i in $(seq 1 "$n"); do
    local lacks=0
    for image in $IMAGES; do
      docker -H "unix://$RUN/h$i/docker.sock" image inspect "$image" >/dev/null 2>&1 || { lacks=1; missing+=("$image"); }
    done
    [ "$lacks" = 1 ] && hosts+=("$i")
  done
  [ ${#hosts[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  for image in "${missing[@]}"; do
    docker -H "unix://$SOURCE_SOCKET" image inspect "$image" >/dev/null 2>&1 \
      || die "image $image is not on $SOURCE_SOCKET (run scripts/setup.sh)"
  done
  log "loading ${missing[*]} into ${hosts[*]/#/h}"
  docker -H "unix://$SOURCE_SOCKET" save -o "$DATA/images.tar" "${missing[@]}"
  local pids=()
  for i in "${hosts[@]}"; do
    docker -H "unix://$RUN/h$i/docker.sock" load -q -i "$DATA/images.tar" >/dev/null & pids+=($!)
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  rm -f "$DATA/images.tar"
  [ "$failed" = 0 ] || die "loading the images failed"
}

print_hosts() {
  local n=$1
  for i in $(seq 1 "$n"); do echo "h$i unix://$RUN/h$i/docker.sock $NET_PREFIX.$i"; done
}

lab_size() { cat "$RUN/size" 2>/dev/null || echo 0; }

cmd_up() {
  local n=${1:-3}
  [[ "$n" =~ ^[1-9]$ ]] || die "usage: $0 up N (N from 1 to 9)"
  need_root
  for tool in ip iptables nsenter unshare setsid dockerd docker curl; do
    command -v "$tool" >/dev/null || die "$tool is missing"
  done
  local current
  current=$(lab_size)
  if [ "$current" -gt "$n" ]; then die "a lab of $current hosts is up; run $0 down first"; fi
  local managers=${LAB_MANAGERS:-}
  if [ -z "$managers" ]; then managers=1; [ "$n" -ge 3 ] && managers=3; fi
  [[ "$managers" =~ ^[1-9]$ ]] && [ "$managers" -le "$n" ] || die "LAB_MANAGERS=$managers: from 1 to N ($n)"
  local demo
  demo=$(demo_bin)
  local started=$SECONDS
  mkdir -p "$RUN" "$DATA"
  # The data roots live on a tmpfs: loading images and removing them at teardown are then quick
  # (removing ~15k image files from the disk took ~17 s here). LAB_TMPFS=0 keeps them on disk.
  if [ "${LAB_TMPFS:-1}" = 1 ] && ! mountpoint -q "$DATA"; then
    mount -t tmpfs -o size="${LAB_TMPFS_SIZE:-6g}",mode=0711 dsdklab-data "$DATA"
  fi
  ensure_bridge
  for i in $(seq 1 "$n"); do ensure_netns "$i"; done
  for i in $(seq 1 "$n"); do start_dockerd "$i"; done
  for i in $(seq 1 "$n"); do wait_dockerd "$i" || die "h$i failed to start (see $RUN/h$i/dockerd.log; $0 down cleans up)"; done
  echo "$n" >"$RUN/size"
  log "hosts answer after $((SECONDS - started)) s"
  # The swarm, through the SDK: h1 initializes (if it is not in a swarm), h2..hM join as managers,
  # the others as workers; on a lab that was up already, nodes are promoted or demoted to match.
  "$demo" swarm init --host "unix://$RUN/h1/docker.sock" --advertise-addr "$NET_PREFIX.1" \
    --default-addr-pool "$POOL" --quiet >&2
  for i in $(seq 2 "$n"); do
    local role=worker
    [ "$i" -le "$managers" ] && role=manager
    "$demo" swarm join --host "unix://$RUN/h$i/docker.sock" --manager "unix://$RUN/h1/docker.sock" \
      --advertise-addr "$NET_PREFIX.$i" --role "$role" --quiet >&2
    "$demo" swarm role "h$i" "$role" --host "unix://$RUN/h1/docker.sock" --quiet >&2
  done
  echo "$managers" >"$RUN/managers"
  log "swarm formed after $((SECONDS - started)) s ($managers manager(s))"
  load_images "$n"
  log "lab of $n hosts up in $((SECONDS - started)) s"
  print_hosts "$n"
}

# Processes of the lab: every one whose command line names /run/lab/hN/ (dockerd, its containerd, shims).
lab_pids() {
  local pid cmd pattern="(unix://|--address |-address |--root |--state |--config |--exec-root )$RUN/h[0-9]+/"
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = "$$" ] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    [[ "$cmd" =~ $pattern ]] && echo "$pid"
  done
  return 0
}

cmd_down() {
  need_root
  local started=$SECONDS
  # 1. dockerd: TERM, wait until each says "Daemon shutdown complete" (it has stopped its
  #    containers and left the swarm's gossip; waiting on its containerd's exit adds seconds for
  #    nothing), then KILL what is left of the lab's processes (dockerd, containerd, shims).
  local stopping=()
  for dir in "$RUN"/h*; do
    [ -d "$dir" ] || continue
    local i=${dir##*/h} pid
    if pid=$(host_pid "$i"); then kill -TERM "$pid" 2>/dev/null || true; stopping+=("$i:$pid"); fi
  done
  for _ in $(seq 1 80); do
    local waiting=0
    for entry in "${stopping[@]}"; do
      local i=${entry%%:*} pid=${entry##*:}
      [ -d "/proc/$pid" ] || continue
      grep -q "Daemon shutdown complete" "$RUN/h$i/dockerd.log" 2>/dev/null || waiting=1
    done
    [ "$waiting" = 0 ] && break
    sleep 0.25
  done
  for pid in $(lab_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 20); do [ -z "$(lab_pids)" ] && break; sleep 0.25; done
  [ -z "$(lab_pids)" ] || log "warning: lab processes survive: $(lab_pids | tr '\n' ' ')"
  log "hosts stopped after $((SECONDS - started)) s"
  # 2. mounts dockerd leaves (exec-root netns bind mounts, overlay layers of killed containers).
  local mounts
  for _ in 1 2 3; do
    mounts=$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($RUN|$DATA)(/|$)" | sort -r || true)
    [ -z "$mounts" ] && break
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
  mounts=$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($RUN|$DATA)(/|$)" || true)
  [ -z "$mounts" ] || die "mounts remain, not removing the data roots: $mounts"
  log "mounts gone after $((SECONDS - started)) s"
  # 3. root veth ends first (deleting them after their namespace waits on the kernel's namespace
  #    clean-up, ~5 s each), then the namespaces, the bridge, the iptables rule.
  for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^$NS_PREFIX[0-9]+$" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  log "veths gone after $((SECONDS - started)) s"
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$NS_PREFIX[0-9]+$" || true); do ip netns del "$ns" || true; done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  for chain in DOCKER-USER FORWARD; do
    while iptables -C "$chain" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do
      iptables -D "$chain" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
    done
  done
  log "namespaces, bridge and rule gone after $((SECONDS - started)) s"
  # 4. cgroups (--cgroup-parent lab-hN), then the folders.
  for cg in /sys/fs/cgroup/*/lab-h[0-9]* /sys/fs/cgroup/lab-h[0-9]*; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  log "cgroups gone after $((SECONDS - started)) s"
  rm -rf "$RUN" "$DATA"
  log "lab down in $((SECONDS - started)) s"
}

cmd_status() {
  local n
  n=$(lab_size)
  [ "$n" -gt 0 ] || { log "no lab is up"; exit 1; }
  for i in $(seq 1 "$n"); do ping_ok "$RUN/h$i/docker.sock" || { log "h$i does not answer"; exit 1; }; done
  print_hosts "$n"
}

case "${1:-}" in
  up) cmd_up "${2:-3}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up N | down | status" >&2; exit 2 ;;
esac
