#!/usr/bin/env bash
# Time from nothing to a verified 3 x 1 Redis Cluster, in host mode on 127.0.0.1, in the same run:
#   seed    the seed's sequential CLI steps: `docker run -d` x 6 through the docker CLI, a wait for
#           PING, `redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes`, then a wait
#           until every node reports cluster_state:ok (one exec polling all nodes every 50 ms);
#   recipe  `dockersdk-demo redis-cluster up` (the whole process, start-up included): parallel
#           creates, RESP over loopback, MEET / ADDSLOTSRANGE / REPLICATE at once, the wait on
#           agreement with backoff; it returns only once every node agrees (its `check`).
# Prints one row per run and the ratio recipe/seed (the target is <= 0.5).
#   RUNS=3 bash scripts/bench-redis.sh          # DOCKERSDK_BENCH_CONFIG=release for a release build
# Everything carries com.dockersdk.recipe/instance labels and is removed at the end (also on error).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1}
IMAGE=${IMAGE:-dockersdk/redis:7}
SEED_BASE=${SEED_BASE:-7431}
RECIPE_BASE=${RECIPE_BASE:-7451}
CONFIG=${DOCKERSDK_BENCH_CONFIG:-debug}
PREFIX="rbench-$$"
swift build -c "$CONFIG" --product dockersdk-demo >&2
DEMO="$(swift build -c "$CONFIG" --show-bin-path)/dockersdk-demo"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
recipe_args=(--mode host --base-port "$RECIPE_BASE" --name-prefix "$PREFIX-sdk" --image "$IMAGE")

cleanup() {
  local ids
  ids=$(docker ps -aq --filter "label=com.dockersdk.instance=$PREFIX-seed" || true)
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
  "$DEMO" redis-cluster down "${recipe_args[@]}" >/dev/null 2>&1 || true
}
trap cleanup EXIT

seed() {
  local ports="" addresses="" i port
  for i in 0 1 2 3 4 5; do
    port=$((SEED_BASE + i)); ports="$ports $port"; addresses="$addresses 127.0.0.1:$port"
  done
  local t0; t0=$(now)
  for i in 0 1 2 3 4 5; do
    port=$((SEED_BASE + i))
    docker run -d --name "$PREFIX-seed-$((i + 1))" --net host \
      --label com.dockersdk.recipe=redis-bench --label "com.dockersdk.instance=$PREFIX-seed" "$IMAGE" \
      redis-server --port "$port" --bind 127.0.0.1 --protected-mode no --cluster-enabled yes \
      --cluster-config-file "nodes-$port.conf" --cluster-node-timeout 5000 --appendonly yes >/dev/null
  done
  docker exec "$PREFIX-seed-1" bash -c 'for n in $(seq 400); do ok=1; for p in '"$ports"'; do
      [ "$(redis-cli -p $p ping 2>/dev/null)" = PONG ] || ok=0; done; [ $ok = 1 ] && exit 0; sleep 0.05; done; exit 1'
  # shellcheck disable=SC2086
  docker exec "$PREFIX-seed-1" redis-cli --cluster create $addresses --cluster-replicas 1 --cluster-yes >/dev/null
  docker exec "$PREFIX-seed-1" bash -c 'for n in $(seq 1200); do ok=1; for p in '"$ports"'; do
      redis-cli -p $p cluster info | grep -q "^cluster_state:ok" || ok=0; done; [ $ok = 1 ] && exit 0; sleep 0.05; done; exit 1'
  local t1; t1=$(now)
  elapsed "$t0" "$t1"
  docker rm -f -v $(docker ps -aq --filter "label=com.dockersdk.instance=$PREFIX-seed") >/dev/null
}

recipe() {
  local t0; t0=$(now)
  "$DEMO" redis-cluster up "${recipe_args[@]}" >/dev/null
  local t1; t1=$(now)
  # Not timed: the check must come back clean.
  "$DEMO" redis-cluster check "${recipe_args[@]}" >/dev/null
  elapsed "$t0" "$t1"
  "$DEMO" redis-cluster down "${recipe_args[@]}" >/dev/null
}

echo "run  seed_s  recipe_s  ratio"
for run in $(seq "$RUNS"); do
  s=$(seed)
  r=$(recipe)
  echo "$run    $s    $r     $(awk -v a="$r" -v b="$s" 'BEGIN { printf "%.2f", a / b }')"
done
