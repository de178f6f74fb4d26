#!/usr/bin/env bash
# Makes sure MySQL (or MariaDB) and Redis answer on this machine, starting an installed but
# stopped server on a Debian-like machine, and (with --test-database) creates the test database.
# Services on another host (DATABASE_URL / REDIS_URL / TEST_DATABASE_URL not on 127.0.0.1)
# are only checked, never started. With --browser it also makes sure Chromium is installed at
# /usr/bin/chromium (or CHROMIUM_PATH) for the console's browser tests, installing Debian's
# package when it can (root and apt-get), else saying what to install.
set -uo pipefail

want_test_db=0 want_browser=0
for arg in "$@"; do
  case "$arg" in
    --test-database) want_test_db=1 ;;
    --browser) want_browser=1 ;;
    *) echo "usage: $0 [--test-database] [--browser]" >&2; exit 2 ;;
  esac
done

db_url="${TEST_DATABASE_URL:-${DATABASE_URL:-mysql://root@127.0.0.1:3306/one_thing}}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
test_db="${TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306/one_thing_test}"
test_db="${test_db##*/}"; test_db="${test_db%%\?*}"

hostport() { # url default-port -> "host port"
  local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"
  local host="${rest%:*}" port="${rest##*:}"
  [ "$host" = "$rest" ] && port="$2"
  echo "$host $port"
}
read -r db_host db_port <<<"$(hostport "$db_url" 3306)"
# A Redis Cluster (redis+cluster://host:port,host:port…) is checked at its first seed, never started
# here: .ci/redis-cluster.sh starts a local one.
redis_cluster=0
case "$redis_url" in redis+cluster://* | rediss+cluster://*) redis_cluster=1; redis_url="${redis_url%%,*}" ;; esac
read -r redis_host redis_port <<<"$(hostport "$redis_url" 6379)"

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [ "$1" = "127.0.0.1" ] || [ "$1" = "localhost" ]; }
wait_for() { # name host port
  for _ in $(seq 1 60); do answers "$2" "$3" && return 0; sleep 0.5; done
  echo "$1 did not start listening on $2:$3 within 30 s" >&2
  return 1
}

start_mysql() {
  local server=""
  for candidate in /usr/sbin/mariadbd /usr/sbin/mysqld; do [ -x "$candidate" ] && server="$candidate" && break; done
  if [ -z "$server" ]; then
    echo "MySQL is not running on $db_host:$db_port and no server is installed: install one (apt-get install mariadb-server) or set DATABASE_URL" >&2
    return 1
  fi
  echo "starting $server (MySQL was not answering on $db_host:$db_port)"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null
  if [ ! -d /var/lib/mysql/mysql ] && command -v mariadb-install-db >/dev/null; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  start-stop-daemon --start --oknodo --background --exec "$server" -- --user=mysql --port="$db_port" \
    || service mariadb start || service mysql start
  wait_for MySQL "$db_host" "$db_port"
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not running on $redis_host:$redis_port and redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL" >&2
    return 1
  fi
  echo "starting redis-server (Redis was not answering on $redis_host:$redis_port)"
  local dir=/var/lib/redis
  [ -w "$dir" ] || dir="${TMPDIR:-/tmp}"
  # noeviction: BullMQ must never lose keys to memory pressure; appendonly keeps jobs across restarts.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --dir "$dir" \
    --appendonly yes --maxmemory-policy noeviction --logfile "$dir/redis-one-thing.log"
  wait_for Redis "$redis_host" "$redis_port"
}

status=0
if ! answers "$db_host" "$db_port"; then
  if is_local "$db_host"; then start_mysql || status=1
  else echo "MySQL does not answer at $db_host:$db_port (from DATABASE_URL)" >&2; status=1; fi
fi
if ! answers "$redis_host" "$redis_port"; then
  if [ "$redis_cluster" -eq 1 ]; then
    echo "the Redis Cluster does not answer at $redis_host:$redis_port (from REDIS_URL): start it (bash .ci/redis-cluster.sh start for a local one)" >&2
    status=1
  elif is_local "$redis_host"; then start_redis || status=1
  else echo "Redis does not answer at $redis_host:$redis_port (from REDIS_URL)" >&2; status=1; fi
fi
[ "$status" -eq 0 ] || exit 1

client=""
for candidate in mariadb mysql; do command -v "$candidate" >/dev/null && client="$candidate" && break; done
if [ "$want_test_db" -eq 1 ] && [ -n "$client" ] && is_local "$db_host"; then
  "$client" --protocol=tcp -h "$db_host" -P "$db_port" -u root -e \
    "CREATE DATABASE IF NOT EXISTS \`$test_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
    || { echo "could not create the test database $test_db" >&2; exit 1; }
fi
echo "MySQL on $db_host:$db_port and Redis on $redis_host:$redis_port answer"

if [ "$want_browser" -eq 1 ]; then
  chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian's chromium for the browser tests ($chromium is missing)"
      { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null; } \
        || { echo "could not install chromium with apt-get: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2; exit 1; }
    else
      echo "Chromium is missing at $chromium: install it (as root: apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary" >&2
      exit 1
    fi
  fi
  # The console speaks Chinese: without a CJK font every label of a screenshot is a row of boxes.
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "installing a Chinese font (fonts-wqy-microhei) for the browser tests' screenshots"
      { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq fonts-wqy-microhei >/dev/null \
        || { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq fonts-wqy-microhei >/dev/null; }; } \
        || echo "no Chinese font could be installed: screenshots will show boxes for Chinese (apt-get install fonts-wqy-microhei)" >&2
    else
      echo "no Chinese font: screenshots will show boxes for Chinese (as root: apt-get install fonts-wqy-microhei)" >&2
    fi
  fi
  echo "Chromium for the browser tests: $chromium ($("$chromium" --version 2>/dev/null | head -1))"
fi
