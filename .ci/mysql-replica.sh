#!/usr/bin/env bash
# Starts a private MariaDB PRIMARY (binary log, server-id 1) and a private REPLICA of it (server-id 2,
# read_only, GTID replication), each with its own data folder under ${TMPDIR:-/tmp} and its own port,
# waits until the replica replicates, and prints the DATABASE_URL and DATABASE_REPLICA_URLS to use.
# `stop` stops both and removes their folders. The shared server on 3306 is never touched: it runs
# without a binary log, so it cannot be a primary.
#
#   bash .ci/mysql-replica.sh [start|stop|status]
#   REPLICA_PRIMARY_PORT=3316 REPLICA_REPLICA_PORT=3317 REPLICA_DATABASE=one_thing REPLICA_DIR=/tmp/...
#
# In production nothing here is needed: point DATABASE_URL at the primary and DATABASE_REPLICA_URLS
# at its replicas (README.md, Read replicas).
set -uo pipefail

action="${1:-start}"
primary_port="${REPLICA_PRIMARY_PORT:-3316}"
replica_port="${REPLICA_REPLICA_PORT:-3317}"
database="${REPLICA_DATABASE:-one_thing}"
base="${REPLICA_DIR:-${TMPDIR:-/tmp}/one-thing-mysql-replica-$primary_port}"
server="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
[ -x "$server" ] || server=/usr/sbin/mysqld

client() { # port, then mariadb arguments
  local port="$1"; shift
  mariadb --protocol=socket --socket="$base/$port/mysqld.sock" -uroot "$@"
}

stop_one() { # port
  local pidfile="$base/$1/mysqld.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
}

start_one() { # port server-id, then extra server options
  local port="$1" id="$2"; shift 2
  local dir="$base/$port"
  mkdir -p "$dir"
  if [ ! -d "$dir/data/mysql" ]; then
    if ! mariadb-install-db --no-defaults --user=root --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/install.log" 2>&1; then
      echo "mariadb-install-db failed for port $port:" >&2; cat "$dir/install.log" >&2; return 1
    fi
  fi
  # --user=root: on Debian as root the server refuses to start without naming a user; the folder is root's.
  "$server" --no-defaults --user=root --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --server-id="$id" --skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
    --performance-schema=OFF --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    "$@" >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    client "$port" -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "MariaDB on port $port did not answer within 30 s; its error log:" >&2
  tail -n 30 "$dir/error.log" >&2
  return 1
}

urls() {
  echo "DATABASE_URL=mysql://root@127.0.0.1:$primary_port/$database"
  echo "DATABASE_REPLICA_URLS=mysql://root@127.0.0.1:$replica_port/$database"
}

case "$action" in
  stop)
    stop_one "$replica_port"; stop_one "$primary_port"
    rm -rf "$base"
    echo "stopped the primary on $primary_port and the replica on $replica_port"
    exit 0
    ;;
  status)
    client "$replica_port" -e 'SHOW SLAVE STATUS\G' | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind|Gtid_IO_Pos|Last_.*Error:'
    exit $?
    ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

# A fresh pair each time: what an earlier run left is stopped and removed.
stop_one "$replica_port"; stop_one "$primary_port"; rm -rf "$base"

start_one "$primary_port" 1 --log-bin=mysql-bin --binlog-format=ROW --gtid-strict-mode=ON || exit 1
start_one "$replica_port" 2 --read-only=ON --relay-log=relay-bin --log-slave-updates=OFF || exit 1

# The api connects over TCP as root without a password (as the shared server allows), from 127.0.0.1;
# the replica reads the binary log as `repl`.
client "$primary_port" -e "
  CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
  CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
  CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;" || exit 1
# The replica starts from the primary's first transaction: the grants and the database above replicate too.
client "$replica_port" -e "
  SET GLOBAL gtid_slave_pos = '';
  CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary_port, MASTER_USER='repl', MASTER_PASSWORD='repl',
    MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
  START SLAVE;" || exit 1

for _ in $(seq 1 120); do
  status="$(client "$replica_port" -e 'SHOW SLAVE STATUS\G' 2>&1)"
  if grep -q 'Slave_IO_Running: Yes' <<<"$status" && grep -q 'Slave_SQL_Running: Yes' <<<"$status" \
    && client "$replica_port" -N -e "SHOW DATABASES LIKE '$database'" 2>/dev/null | grep -q .; then
    echo "primary on 127.0.0.1:$primary_port, replica on 127.0.0.1:$replica_port (data under $base)"
    urls
    exit 0
  fi
  sleep 0.25
done
echo "the replica on $replica_port did not start replicating within 30 s:" >&2
echo "$status" >&2
exit 1
