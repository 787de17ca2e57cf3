#!/usr/bin/env bash
# A private RabbitMQ node for the side-by-side benchmark (tests/bench/run.sh).
#   rabbitmq_server.sh start DIR   starts a node listening on 127.0.0.1 and a free port, with
#                                  its data, logs, config and Erlang cookie under DIR; prints
#                                  the AMQP port and writes DIR/port, DIR/pid (the Erlang VM,
#                                  beam.smp) and DIR/epmd.pid
#   rabbitmq_server.sh stop DIR    stops that node and its epmd by their PIDs, deletes DIR's data
# Installs nothing (deploy/install-deps.sh does). Everything binds to 127.0.0.1: AMQP, the
# Erlang distribution port and a private epmd on a port of its own, so that the node neither
# meets nor disturbs any other Erlang node on the machine.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

rabbit_bin=/usr/lib/rabbitmq/bin/rabbitmq-server

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
    2>/dev/null || echo $((20000 + RANDOM % 40000))
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# stop_pid PID SECONDS: SIGTERM, up to SECONDS for it to go, then SIGKILL.
stop_pid() {
  local pid=$1 seconds=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

stop() {
  # The node first (it stops its queues and flushes them on SIGTERM), then the wrapper
  # script that started it, then epmd, which outlives nodes by design.
  local node
  node=$(cat "$dir/pid" 2>/dev/null || tr -d ' \n' 2>/dev/null <"$dir/pid.erlang" || true)
  stop_pid "$node" 30
  stop_pid "$(cat "$dir/wrapper.pid" 2>/dev/null || true)" 5
  stop_pid "$(cat "$dir/epmd.pid" 2>/dev/null || true)" 5
  rm -rf "$dir/pid" "$dir/pid.erlang" "$dir/wrapper.pid" "$dir/epmd.pid" "$dir/port" "$dir/mnesia" "$dir/home"
}

start() {
  if [ ! -x "$rabbit_bin" ]; then
    echo "rabbitmq_server: $rabbit_bin not found; install rabbitmq-server (deploy/install-deps.sh)" >&2
    exit 1
  fi
  stop  # a node left by an interrupted run
  # Whatever fails or interrupts the start stops what it started.
  trap stop EXIT
  trap 'exit 143' TERM HUP
  trap 'exit 130' INT
  mkdir -p "$dir/mnesia" "$dir/log" "$dir/home"
  # The node's own settings only: nothing from /etc/rabbitmq, no plugins.
  : >"$dir/rabbitmq-env.conf"
  echo '[].' >"$dir/enabled_plugins"
  echo 'log.console = false' >"$dir/rabbitmq.conf"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/home/.erlang.cookie"
  chmod 400 "$dir/home/.erlang.cookie"

  local epmd_port amqp_port dist_port
  epmd_port=$(free_port)
  epmd -address 127.0.0.1 -port "$epmd_port" </dev/null >"$dir/log/epmd.log" 2>&1 &
  echo $! >"$dir/epmd.pid"
  for _ in $(seq 50); do port_open "$epmd_port" && break; sleep 0.1; done
  port_open "$epmd_port" || { echo "rabbitmq_server: epmd did not start" >&2; cat "$dir/log/epmd.log" >&2; exit 1; }

  amqp_port=$(free_port)
  dist_port=$(free_port)
  (
    cd "$dir"
    export HOME="$dir/home"
    export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$epmd_port"
    export RABBITMQ_NODENAME="gallery-bench-$amqp_port@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port"
    export RABBITMQ_DIST_PORT="$dist_port"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_PID_FILE="$dir/pid.erlang"
    export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    exec "$rabbit_bin" </dev/null >"$dir/log/startup.log" 2>&1
  ) &
  echo $! >"$dir/wrapper.pid"

  # Ready when the AMQP listener accepts, which the node opens last; bounded to 60 s.
  local ready=0
  for _ in $(seq 600); do
    if [ -s "$dir/pid.erlang" ] && port_open "$amqp_port"; then ready=1; break; fi
    kill -0 "$(cat "$dir/wrapper.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$ready" != 1 ]; then
    echo "rabbitmq_server: the node did not start within 60 s; its logs:" >&2
    tail -n 40 "$dir/log/startup.log" "$dir/log"/*.log >&2 2>/dev/null || true
    exit 1
  fi
  echo "$(tr -d ' \n' <"$dir/pid.erlang")" >"$dir/pid"
  echo "$amqp_port" >"$dir/port"
  trap - EXIT TERM HUP INT
  echo "$amqp_port"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
