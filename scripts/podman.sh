#!/usr/bin/env bash
# Podman as a second engine for the live tests: Debian's podman 4.3, `podman system service` on a
# socket of ours, with its own storage, so nothing is shared with another Podman on the machine.
# Usage: scripts/podman.sh start|stop|status|load-images|socket
#   start        install podman if missing, raise fs.inotify.max_user_instances to 1024 when lower, start the
#                service (idempotent), wait for /_ping (60 s max)
#   load-images  copy the dev images from the docker daemon (DOCKERSDK_SOCKET, /var/run/docker.sock)
#                into Podman through the SDK: `dockersdk-demo image save` there, `image load` here
#                (DOCKERSDK_DEMO names the demo binary); images already in Podman are skipped
#   stop         stop the service (TERM, bounded wait, then KILL) after removing the containers,
#                pods, volumes, networks and images (all but the dev images) it holds (it is ours: its
#                storage is nobody else's), say what is left, delete the default network's bridge
#   status       exit 0 when the service answers /_ping
#   socket       print the socket path
# Environment: DOCKERSDK_PODMAN_RUN (default /run/dockersdk-podman: socket, pid file, runroot),
#   DOCKERSDK_PODMAN_ROOT (default /var/lib/dockersdk-podman: storage), DOCKERSDK_IMAGES.
# The service reads its own containers.conf (CONTAINERS_CONF) with default_ulimits: this sandbox
# lacks CAP_SYS_RESOURCE and Podman would otherwise raise nofile/nproc ("error setting rlimit type 7"),
# and its own registries.conf (CONTAINERS_REGISTRIES_CONF): the local registries on 127.0.0.1 are plain HTTP or self-signed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mkdir -p "$root/.build"
log() { printf '[podman] %s\n' "$*" >&2; }

run_dir=${DOCKERSDK_PODMAN_RUN:-/run/dockersdk-podman}
storage=${DOCKERSDK_PODMAN_ROOT:-/var/lib/dockersdk-podman}
sock="$run_dir/podman.sock"
pidfile="$run_dir/podman.pid"
conf="$run_dir/containers.conf"
registries="$run_dir/registries.conf"
service_log="$root/.build/podman.log"
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

# The same global flags for the service and for every podman command of this script.
flags=(--root "$storage/storage" --runroot "$run_dir/runroot" --tmpdir "$run_dir/tmp"
  --volumepath "$storage/volumes" --network-config-dir "$storage/networks" --cgroup-manager cgroupfs
  --events-backend file)

ping_ok() { [ -S "$sock" ] && [ "$(curl -s --max-time 3 --unix-socket "$sock" http://localhost/_ping 2>/dev/null)" = "OK" ]; }

service_pid() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "system" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# podman, CNI's dnsname plugin and catatonit (recommendations of podman's, skipped by
# --no-install-recommends): without dnsname containers on a user-defined network do not resolve each
# other's names as on Docker; without catatonit `HostConfig.Init` fails ("container-init binary not found").
install_podman() {
  local need=() pkg
  for pkg in podman golang-github-containernetworking-plugin-dnsname catatonit; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]} (--no-install-recommends)"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# CNI's dnsname plugin runs one dnsmasq per network (state in $dnsname_dir/NETWORK/) and stops it when the
# network's last container leaves. A network removed while a container was still on it leaves its dnsmasq
# running, bound to the bridge name (cni-podmanN) that the next network reuses: that network's dnsmasq then
# fails with "failed to create listening socket ...: Address already in use". Stops the dnsmasq of every
# network that no longer exists in our storage (by the pid in its pid file, checked against its command
# line) and removes its state; the others are left alone.
dnsname_dir=/run/containers/cni/dnsname
sweep_dnsmasq() {
  local dir net pid
  [ -d "$dnsname_dir" ] || return 0
  for dir in "$dnsname_dir"/*/; do
    [ -d "$dir" ] || continue
    net=$(basename "$dir")
    [ -f "$storage/networks/$net.conflist" ] && continue
    if [ -f "$dir/pidfile" ]; then
      pid=$(cat "$dir/pidfile" 2>/dev/null || true)
      if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--conf-file=$dnsname_dir/$net/dnsmasq.conf"; then
        log "stopping the dnsmasq (pid $pid) of network $net, which no longer exists"
        $sudo_cmd kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
    fi
    $sudo_cmd rm -rf "$dir"
  done
}

# inotify instances: CNI's dnsname plugin runs a dnsmasq per network, and each dnsmasq, conmon and the service
# take inotify instances; the kernel's default of 128 per user (all of it root's here, shared with dockerd's
# containers) ran out once in a full run (dnsmasq: "failed to create inotify: Too many open files"). Raises
# fs.inotify.max_user_instances to $inotify_instances when it is lower (never lowers it; idempotent). It is
# a machine-wide setting: the only one this script changes outside its own directories.
inotify_instances=${DOCKERSDK_PODMAN_INOTIFY_INSTANCES:-1024}
raise_inotify_limit() {
  local key=fs.inotify.max_user_instances current
  current=$(cat /proc/sys/fs/inotify/max_user_instances)
  if [ "$current" -ge "$inotify_instances" ]; then return 0; fi
  log "raising $key from $current to $inotify_instances"
  $sudo_cmd sysctl -q -w "$key=$inotify_instances" >/dev/null \
    || { log "cannot raise $key (still $current): a full run may fail on dnsmasq's inotify"; return 1; }
}

start() {
  install_podman
  raise_inotify_limit || true
  sweep_dnsmasq
  if ping_ok; then log "podman service answers at $sock"; return 0; fi
  $sudo_cmd mkdir -p "$run_dir" "$storage"
  # Limits the sandbox allows: open files up to the current hard limit (at most 65536), processes
  # 4096 (the service lowers its own nproc limit at start, so the shell's hard limit is too high).
  local nofile nproc=4096
  nofile=$(ulimit -Hn)
  if [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ]; then nofile=65536; fi
  printf '# written by scripts/podman.sh\n[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
    "$nofile" "$nofile" "$nproc" "$nproc" | $sudo_cmd tee "$conf" >/dev/null
  # Registries: loopback ones (127.0.0.1, any port, as the prefix matches) may be plain HTTP, as dockerd
  # allows by itself (Podman needs it said); no unqualified search (nothing is reachable).
  printf '# written by scripts/podman.sh\nunqualified-search-registries = []\n[[registry]]\nlocation = "127.0.0.1"\ninsecure = true\n' \
    | $sudo_cmd tee "$registries" >/dev/null
  if pid=$(service_pid); then
    log "a service (pid $pid) runs but does not answer: stopping it"
    stop_service
  fi
  $sudo_cmd rm -f "$sock"
  log "starting podman system service on $sock (log: $service_log)"
  $sudo_cmd env CONTAINERS_CONF="$conf" CONTAINERS_REGISTRIES_CONF="$registries" nohup podman "${flags[@]}" system service --time=0 "unix://$sock" \
    >"$service_log" 2>&1 </dev/null &
  echo $! | $sudo_cmd tee "$pidfile" >/dev/null
  for _ in $(seq 1 120); do
    ping_ok && break
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 0.5
  done
  ping_ok || { log "podman did not answer within 60 s; last log lines:"; tail -20 "$service_log" >&2; exit 1; }
  log "podman answers: $(curl -s --unix-socket "$sock" -D - -o /dev/null http://localhost/_ping | tr -d '\r' | grep -i '^libpod-api-version' || true)"
}

stop_service() {
  local pid
  pid=$(service_pid) || { $sudo_cmd rm -f "$pidfile"; return 0; }
  $sudo_cmd kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then log "service $pid did not stop on TERM: KILL"; $sudo_cmd kill -KILL "$pid" || true; fi
  $sudo_cmd rm -f "$pidfile" "$sock"
}

stop() {
  if [ -d "$storage/storage" ]; then
    # Everything in this storage was made by the tests against this service.
    timeout 60 $sudo_cmd env CONTAINERS_CONF="$conf" podman "${flags[@]}" pod rm -a -f >/dev/null 2>&1 || true
    timeout 120 $sudo_cmd env CONTAINERS_CONF="$conf" podman "${flags[@]}" rm -a -f -t 2 >/dev/null 2>&1 || true
    timeout 60 $sudo_cmd env CONTAINERS_CONF="$conf" podman "${flags[@]}" volume rm -a -f >/dev/null 2>&1 || true
    timeout 60 $sudo_cmd env CONTAINERS_CONF="$conf" podman "${flags[@]}" network prune -f >/dev/null 2>&1 || true
    remove_test_images
    leftovers
  fi
  stop_service
  sweep_dnsmasq
  # The default network's bridge (CNI makes it for the first container on `podman`; nothing else uses it).
  if ip link show cni-podman0 >/dev/null 2>&1; then $sudo_cmd ip link delete cni-podman0 2>/dev/null || true; fi
  log "podman service stopped"
}

# The dev images load-images copies in (kept between runs: copying them takes a minute).
dev_refs=" localhost/dockersdk/busybox:latest localhost/dockersdk/redis:7 localhost/dockersdk/mariadb:10.11 "

podman_cli() { timeout 60 $sudo_cmd env CONTAINERS_CONF="$conf" podman "${flags[@]}" "$@"; }

# Every other image of this storage was made by the tests (builds, commits, imports, tags, pulls from
# the test registries): the other names of a dev image are removed (untagged), then every image without
# a dev name, then the dangling layers of builds.
remove_test_images() {
  local lines line id ref keep=" "
  lines=$(podman_cli images --format '{{.ID}} {{.Repository}}:{{.Tag}}' 2>/dev/null) || return 0
  while read -r id ref; do
    [ -n "$id" ] && [[ "$dev_refs" == *" $ref "* ]] && keep+="$id "
  done <<<"$lines"
  while read -r id ref; do
    [ -n "$id" ] || continue
    [[ "$dev_refs" == *" $ref "* ]] && continue
    if [[ "$keep" == *" $id "* ]]; then
      podman_cli untag "$id" "$ref" >/dev/null 2>&1 || true
    else
      podman_cli rmi -f "$id" >/dev/null 2>&1 || true
    fi
  done <<<"$lines"
  podman_cli image prune -f >/dev/null 2>&1 || true
}

# Says what is still in the storage after the clean-up (nothing but the dev images is expected).
leftovers() {
  local containers volumes networks images
  containers=$(podman_cli ps -a -q 2>/dev/null | wc -l)
  volumes=$(podman_cli volume ls -q 2>/dev/null | wc -l)
  networks=$(podman_cli network ls -q --filter label=com.dockersdk.instance 2>/dev/null | wc -l)
  images=$(podman_cli images -a --filter label=com.dockersdk.instance -q 2>/dev/null | wc -l)
  if [ "$((containers + volumes + networks + images))" -eq 0 ]; then
    log "clean: no container, volume, labelled network or labelled image left"
  else
    log "left after clean-up: $containers containers, $volumes volumes, $networks labelled networks, $images labelled images"
  fi
}

have_image() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$1" "http://localhost/images/$2/json")" = 200 ]
}

load_images() {
  ping_ok || { log "podman does not answer at $sock: run scripts/podman.sh start"; exit 1; }
  local docker_sock=${DOCKERSDK_SOCKET:-/var/run/docker.sock} demo=${DOCKERSDK_DEMO:-}
  if [ -z "$demo" ]; then demo="$(swift build --show-bin-path)/dockersdk-demo"; fi
  [ -x "$demo" ] || { log "no demo binary at $demo (swift build --product dockersdk-demo)"; exit 1; }
  local name ref archive
  for name in ${DOCKERSDK_IMAGES:-busybox redis mariadb}; do
    case "$name" in
      busybox) ref=dockersdk/busybox:latest ;;
      redis) ref=dockersdk/redis:7 ;;
      mariadb) ref=dockersdk/mariadb:10.11 ;;
      *) log "unknown image $name"; exit 2 ;;
    esac
    if have_image "$sock" "$ref"; then log "$ref present in podman"; continue; fi
    have_image "$docker_sock" "$ref" || { log "$ref is not in the docker daemon either: run scripts/setup.sh"; exit 1; }
    archive="$root/.build/podman-load-$name.tar"
    log "copying $ref: docker -> podman"
    DOCKER_HOST="unix://$docker_sock" "$demo" image save -o "$archive" "$ref" >/dev/null
    DOCKER_HOST="unix://$sock" "$demo" image load -i "$archive"
    rm -f "$archive"
    have_image "$sock" "$ref" || { log "$ref did not arrive in podman"; exit 1; }
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) ping_ok ;;
  load-images) load_images ;;
  socket) echo "$sock" ;;
  *) echo "usage: $0 start|stop|status|load-images|socket" >&2; exit 2 ;;
esac
