#!/usr/bin/env bash
# A private PostgreSQL server for the store tests, registered with ctest as a fixture.
#   pg_test_server.sh start DIR   initdb, start on 127.0.0.1 and a free port, create role and
#                                 database "gallery"; writes DIR/dsn, DIR/pid, DIR/pgdata
#   pg_test_server.sh restart DIR restarts it (same port); DIR/restarting exists meanwhile
#   pg_test_server.sh stop DIR    stops the server started in DIR (by its PID), deletes its data
# PG_SERVER_CONF=FILE appends FILE's postgresql.conf lines to the new server's settings.
# Installs nothing (deploy/install-deps.sh does). The server refuses to run as root, so as root
# it runs as the "postgres" user through runuser, with its data in a folder of its own under
# /tmp (the build tree may not be reachable by that user).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ]; then bindir=$candidate; break; fi
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then bindir=$(dirname "$(command -v initdb)"); fi
if [ -z "$bindir" ]; then
  echo "pg_test_server: no PostgreSQL server binaries (initdb); run deploy/install-deps.sh" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
    2>/dev/null || echo $((20000 + RANDOM % 40000))
}

stop() {
  [ -f "$dir/pgdata" ] || { rm -f "$dir/dsn" "$dir/pid"; return 0; }
  local pgdata pid
  pgdata=$(cat "$dir/pgdata")
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  rm -f "$dir/dsn"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    (cd / && as_owner "$bindir/pg_ctl" stop -D "$pgdata/data" -m fast -w -t 30 >/dev/null 2>&1) || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  case "$pgdata" in /tmp/gallery-pg.*) rm -rf "$pgdata" ;; esac
  rm -f "$dir/pgdata" "$dir/pid" "$dir/restarting"
}

start() {
  stop  # a server left by an interrupted run
  local pgdata
  pgdata=$(mktemp -d /tmp/gallery-pg.XXXXXX)
  echo "$pgdata" > "$dir/pgdata"
  chmod 700 "$pgdata"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg_test_server: running as root needs the 'postgres' user (package postgresql)" >&2
      exit 1
    fi
    chown postgres: "$pgdata"
  fi
  cd "$pgdata"
  # Test data: no fsync at initdb (the server itself keeps fsync on, as in production).
  as_owner "$bindir/initdb" -D "$pgdata/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C --no-sync >"$pgdata/initdb.log" 2>&1 || {
    cat "$pgdata/initdb.log" >&2
    exit 1
  }
  # Settings for this server only (e.g. the benchmark's sizing), from the file named by
  # PG_SERVER_CONF: postgresql.conf lines, appended to the server's own.
  if [ -n "${PG_SERVER_CONF:-}" ]; then
    cat "$PG_SERVER_CONF" >>"$pgdata/data/postgresql.conf"
  fi
  local port started=0
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" start -D "$pgdata/data" -w -t 60 -l "$pgdata/server.log" \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c max_connections=200" \
         >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [ "$started" != 1 ]; then
    echo "pg_test_server: the server did not start; its log:" >&2
    cat "$pgdata/server.log" >&2 || true
    exit 1
  fi
  head -1 "$pgdata/data/postmaster.pid" > "$dir/pid"
  as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres \
    -d postgres -c "CREATE ROLE gallery LOGIN" -c "CREATE DATABASE gallery OWNER gallery" \
    >/dev/null
  echo "host=127.0.0.1 port=$port dbname=gallery user=gallery" > "$dir/dsn.tmp"
  mv "$dir/dsn.tmp" "$dir/dsn"
  echo "pg_test_server: $(cat "$dir/dsn") (pid $(cat "$dir/pid"))"
}

restart() {
  local pgdata
  pgdata=$(cat "$dir/pgdata")
  touch "$dir/restarting"
  (cd / && as_owner "$bindir/pg_ctl" restart -D "$pgdata/data" -m fast -w -t 60 \
     -l "$pgdata/server.log" >/dev/null)
  head -1 "$pgdata/data/postmaster.pid" > "$dir/pid"
  rm -f "$dir/restarting"
}

case "$action" in
  start) start ;;
  restart) restart ;;
  stop) stop ;;
  *) usage ;;
esac
