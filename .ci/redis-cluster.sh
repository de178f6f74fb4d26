#!/usr/bin/env bash
# A local Redis Cluster for the cluster tests: 3 masters and 3 replicas (one per master) from the
# installed redis-server, on 127.0.0.1 ports REDIS_CLUSTER_PORT..+5 (7101–7106 by default), each
# with its own directory under ${TMPDIR:-/tmp}/one-thing-redis-cluster-<first port>.
#
#   bash .ci/redis-cluster.sh start    starts the six servers, creates the cluster, waits for
#                                      cluster_state:ok; a cluster already up and ok is left as it is
#   bash .ci/redis-cluster.sh stop     stops them and removes their directories
#   bash .ci/redis-cluster.sh status   says whether it is up
#   bash .ci/redis-cluster.sh revive   starts again the servers a failover test killed (they rejoin as
#                                      replicas) and waits for 3 masters and 3 replicas in sync
#   bash .ci/redis-cluster.sh url      prints the REDIS_URL to use (nothing else)
#
# Every command but `url` ends with the line `REDIS_URL=redis+cluster://127.0.0.1:7101,…` on stdout.
# cluster-node-timeout is 2 s, so a master that dies is replaced by its replica within a few seconds.
set -uo pipefail

base="${REDIS_CLUSTER_PORT:-7101}"
ports=()
for i in 0 1 2 3 4 5; do ports+=("$((base + i))"); done
root="${TMPDIR:-/tmp}/one-thing-redis-cluster-$base"
url="redis+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
answers() { cli "$1" PING 2>/dev/null | grep -q PONG; }
cluster_ok() { cli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' | grep -q '^cluster_state:ok$'; }
all_ok() { for p in "${ports[@]}"; do cluster_ok "$p" || return 1; done; }
say_url() { echo "REDIS_URL=$url"; }

# Starts the server of port $1 in its directory (a server started again there rejoins the cluster
# from its nodes.conf: a master that was replaced comes back as its replacement's replica).
server() {
  mkdir -p "$root/$1"
  # noeviction: BullMQ must never lose keys to memory pressure; appendonly as .ci/services.sh has it.
  if ! redis-server --port "$1" --bind 127.0.0.1 --daemonize yes \
    --dir "$root/$1" --logfile "$root/$1/redis.log" --pidfile "$root/$1/redis.pid" \
    --cluster-enabled yes --cluster-config-file "$root/$1/nodes.conf" --cluster-node-timeout 2000 \
    --appendonly yes --maxmemory-policy noeviction --save ''; then
    echo "redis-server did not start on port $1 (see $root/$1/redis.log)" >&2
    return 1
  fi
}

start() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "redis-server and redis-cli are needed: apt-get install redis-server" >&2
    return 1
  fi
  if all_ok && [ "$(cli "${ports[0]}" CLUSTER INFO | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" = 6 ]; then
    echo "the Redis Cluster on ports ${ports[0]}-${ports[5]} is already up (cluster_state:ok)"
    say_url
    return 0
  fi
  # Anything half-made (a server left from a run that stopped midway) is cleared first.
  stop >/dev/null 2>&1
  mkdir -p "$root"
  for p in "${ports[@]}"; do server "$p" || return 1; done
  for p in "${ports[@]}"; do
    for _ in $(seq 1 50); do answers "$p" && break; sleep 0.1; done
    answers "$p" || { echo "redis-server on port $p does not answer (see $root/$p/redis.log)" >&2; return 1; }
  done
  local nodes=()
  for p in "${ports[@]}"; do nodes+=("127.0.0.1:$p"); done
  # The first three become the masters, the last three their replicas.
  if ! redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$root/create.log" 2>&1; then
    cat "$root/create.log" >&2
    echo "redis-cli --cluster create failed" >&2
    return 1
  fi
  for _ in $(seq 1 100); do
    if all_ok && [ "$(replicas_up)" = 3 ]; then
      echo "Redis Cluster up: masters ${ports[0]}-${ports[2]}, replicas ${ports[3]}-${ports[5]} (data under $root)"
      say_url
      return 0
    fi
    sleep 0.2
  done
  cli "${ports[0]}" CLUSTER INFO >&2
  cli "${ports[0]}" CLUSTER NODES >&2
  echo "the cluster did not reach cluster_state:ok with 3 replicas in sync within 20 s" >&2
  return 1
}

# Replicas whose link to their master is up.
replicas_up() {
  local n=0
  for p in "${ports[@]}"; do
    cli "$p" INFO replication 2>/dev/null | tr -d '\r' | grep -q '^master_link_status:up$' && n=$((n + 1))
  done
  echo "$n"
}

# After a failover test killed a server: starts again each of the six that does not answer, and waits
# until the cluster has its three masters and three replicas in sync again.
revive() {
  [ -d "$root" ] || { echo "no Redis Cluster was made under $root: run start" >&2; return 1; }
  local revived=()
  for p in "${ports[@]}"; do
    answers "$p" && continue
    server "$p" || return 1
    revived+=("$p")
  done
  for _ in $(seq 1 150); do
    if all_ok && [ "$(replicas_up)" = 3 ]; then
      echo "Redis Cluster whole again${revived[*]:+ (started again: ${revived[*]})}"
      say_url
      return 0
    fi
    sleep 0.2
  done
  cli "${ports[0]}" CLUSTER NODES >&2
  echo "the cluster did not get its 3 masters and 3 replicas back within 30 s" >&2
  return 1
}

stop() {
  local stopped=0
  for p in "${ports[@]}"; do
    local pidfile="$root/$p/redis.pid" pid=""
    [ -f "$pidfile" ] && pid="$(cat "$pidfile")"
    if answers "$p"; then cli "$p" SHUTDOWN NOSAVE >/dev/null 2>&1; fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
    [ -n "$pid" ] && stopped=$((stopped + 1))
  done
  rm -rf "$root"
  echo "Redis Cluster on ports ${ports[0]}-${ports[5]} stopped ($stopped servers), $root removed"
}

status() {
  if all_ok; then
    echo "Redis Cluster up on ports ${ports[0]}-${ports[5]}"
    cli "${ports[0]}" CLUSTER NODES | awk '{ print "  " $2, $3, $9 }'
    say_url
  else
    echo "no Redis Cluster in cluster_state:ok on ports ${ports[0]}-${ports[5]}"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  revive) revive ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|status|revive|url" >&2; exit 2 ;;
esac
