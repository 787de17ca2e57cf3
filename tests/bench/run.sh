#!/usr/bin/env bash
# Builds hubd, e2e_bench and restart_bench (RelWithDebInfo, in build/release as tests/run.sh
# does), then, in one go:
#   1. e2e_bench ROUNDS times (default 3) on the embedded store (the journal);
#   2. e2e_bench ROUNDS times on the journal with the latency phase at HIGH_RATE
#      records/s (default 10000; HIGH_RATE=0 skips it);
#   3. e2e_bench ROUNDS times on the embedded SQLite store, the peer (SQLITE=0 skips it);
#   4. e2e_bench ROUNDS times on PostgreSQL: a private server started in a temporary folder
#      with tests/store/pg_test_server.sh, stopped (by its PID) when this script exits,
#      whatever happens (POSTGRESQL=0 skips it);
#   5. restart_bench (journal) once with RESTART_DELIVERIES queued deliveries (default 1000000;
#      0 skips it);
#   6. decision_bench ROUNDS times: the router's decision with 10,000 rules against 10, with
#      DECISIONS timed decisions per rule set (default 200000; 0 skips it);
#   7. adapter_bench ROUNDS times: each adapter's parse-and-map throughput on the upstream
#      fixtures, in process (ADAPTERS=0 skips it);
#   8. side by side, ROUNDS rounds, each running every system once at offered 5,000 and
#      10,000 records/s: e2e_bench on the journal, synced and not (--durable yes|no); rabbitmq_bench against a private
#      RabbitMQ node started with tests/bench/rabbitmq_server.sh and stopped (by its PID)
#      when this script exits, whatever happens, persistent and transient (RABBITMQ=0 skips
#      it, as does a machine without rabbitmq-server); zmq_forwarder_bench, a bare ZeroMQ
#      forwarder (FORWARDER=0 skips it). Both 0 skips the step;
# and prints one table: the median of each figure per column, the restart figures and the
# decision figures; then each round's values, and the issue's targets, met or not.
# Arguments go to every e2e_bench round (run.sh sets --backend and --dsn itself, and --rate
# for step 2). Everything talks to 127.0.0.1 only. The measuring is bounded by BUDGET
# seconds (default 540; each round is also bounded on its own): a step that no longer fits
# is skipped and counts as failed. About 5 minutes once built on a 2-core machine, and step
# 8 about a minute a round more (on a busy machine, raise BUDGET). Exits
# non-zero when a round or a step failed (not when a target is missed).
#   tests/bench/run.sh
#   ROUNDS=5 tests/bench/run.sh --records 20000 --rate 1000
#   HIGH_RATE=0 SQLITE=0 POSTGRESQL=0 RESTART_DELIVERIES=0 tests/bench/run.sh   # journal only
#   tests/bench/run.sh --json medians.json   # also writes every median and ratio as JSON
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

# --json FILE is run.sh's own; every other argument goes to e2e_bench, and --records,
# --duration and --in-flight to the peer benchmarks too.
json=""
e2e_args=()
peer_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --json)
      [ $# -ge 2 ] || { echo "run.sh: --json needs a file name" >&2; exit 2; }
      json=$(realpath -m "$2")
      shift 2
      ;;
    --records | --duration | --in-flight)
      [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
      e2e_args+=("$1" "$2")
      peer_args+=("$1" "$2")
      shift 2
      ;;
    *)
      e2e_args+=("$1")
      shift
      ;;
  esac
done
set -- "${e2e_args[@]}"
cd "$root"

build=${BUILD:-build/release}  # another build folder: BUILD=build-mine
rounds=${ROUNDS:-3}
high_rate=${HIGH_RATE:-10000}
postgresql=${POSTGRESQL:-1}
sqlite=${SQLITE:-1}
restart_deliveries=${RESTART_DELIVERIES:-1000000}
decisions=${DECISIONS:-200000}
adapters=${ADAPTERS:-1}
rabbitmq=${RABBITMQ:-1}
forwarder=${FORWARDER:-1}
budget=${BUDGET:-540}
for knob in "ROUNDS=$rounds" "HIGH_RATE=$high_rate" "POSTGRESQL=$postgresql" "SQLITE=$sqlite" \
            "RESTART_DELIVERIES=$restart_deliveries" "DECISIONS=$decisions" "ADAPTERS=$adapters" \
            "BUDGET=$budget" "RABBITMQ=$rabbitmq" "FORWARDER=$forwarder"; do
  case "${knob#*=}" in
    '' | *[!0-9]*) echo "run.sh: ${knob%%=*} must be a whole number" >&2; exit 2 ;;
  esac
done
[ "$rounds" -ge 1 ] || { echo "run.sh: ROUNDS must be at least 1" >&2; exit 2; }

targets=(e2e_bench restart_bench decision_bench adapter_bench hubd)
[ "$forwarder" = 0 ] || targets+=(zmq_forwarder_bench)
rabbitmq_missing=""
if [ "$rabbitmq" != 0 ]; then
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    rabbitmq_missing="rabbitmq-server is not installed"
  elif ! pkg-config --exists librabbitmq; then
    rabbitmq_missing="librabbitmq-dev is not installed"
  else
    targets+=(rabbitmq_bench)
  fi
fi
echo "== build $build (${targets[*]})"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${targets[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/gallery-bench-run.XXXXXX")
results="$work/results"  # "COLUMN NAME VALUE" per figure of each successful round
: >"$results"
failures=()
pg_dir=""
rabbitmq_dir=""

# Stops the private PostgreSQL server, if one was started: by its PID through
# pg_test_server.sh, then SIGKILL to that PID should it still be there.
stop_pg() {
  [ -n "$pg_dir" ] || return 0
  local pid pgdata
  pid=$(cat "$pg_dir/pid" 2>/dev/null || true)
  if [ -z "$pid" ] && pgdata=$(cat "$pg_dir/pgdata" 2>/dev/null); then
    # Interrupted between the server's start and the pid file.
    pid=$(head -1 "$pgdata/data/postmaster.pid" 2>/dev/null || true)
  fi
  timeout 60 bash tests/store/pg_test_server.sh stop "$pg_dir" >/dev/null 2>&1 || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    timeout 60 bash tests/store/pg_test_server.sh stop "$pg_dir" >/dev/null 2>&1 || true
  fi
  echo "== postgresql server stopped${pid:+ (pid $pid)}"
  pg_dir=""
}
# Stops the private RabbitMQ node and its epmd, if started: by their PIDs through
# rabbitmq_server.sh, then SIGKILL to the node should it still be there.
stop_rabbitmq() {
  [ -n "$rabbitmq_dir" ] || return 0
  local pid
  pid=$(cat "$rabbitmq_dir/pid" 2>/dev/null || cat "$rabbitmq_dir/pid.erlang" 2>/dev/null || true)
  timeout 60 bash tests/bench/rabbitmq_server.sh stop "$rabbitmq_dir" >/dev/null 2>&1 || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    timeout 60 bash tests/bench/rabbitmq_server.sh stop "$rabbitmq_dir" >/dev/null 2>&1 || true
  fi
  echo "== rabbitmq node stopped${pid:+ (pid $pid)}"
  rabbitmq_dir=""
}
cleanup() {
  stop_pg
  stop_rabbitmq
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

started=$SECONDS
remaining() { echo $((budget - (SECONDS - started))); }

# run_rounds COLUMN ARGS...: ROUNDS rounds of e2e_bench with ARGS; each round's figures go
# to $results under COLUMN, a failed round's output is shown and the round noted.
run_rounds() {
  local column=$1 round cap limit
  shift
  for round in $(seq 1 "$rounds"); do
    cap=$(remaining)
    [ "$cap" -le 180 ] || cap=180
    if [ "$cap" -lt 45 ]; then
      failures+=("$column round $round: skipped, BUDGET of $budget s spent")
      continue
    fi
    # e2e_bench stops itself at --timeout (reporting what it has); this is the backstop.
    limit=$((cap - 35))
    [ "$limit" -le 120 ] || limit=120
    echo "== $column: round $round of $rounds"
    if timeout "$cap" "$build/bin/e2e_bench" --hubd "$build/bin/hubd" --timeout "$limit" \
         "$@" >"$work/round" 2>&1; then
      grep -v '^result ' "$work/round"
      awk -v c="$column" '$1 == "result" { print c, $2, $3 }' "$work/round" >>"$results"
    else
      cat "$work/round"
      failures+=("$column round $round failed")
    fi
  done
}

# side_round COLUMN ROUND COMMAND...: one round of the side by side, as run_rounds runs one:
# COMMAND stops itself at the --timeout appended to it; `timeout` is the backstop.
side_round() {
  local column=$1 round=$2 cap limit
  shift 2
  cap=$(remaining)
  [ "$cap" -le 150 ] || cap=150
  if [ "$cap" -lt 45 ]; then
    failures+=("$column round $round: skipped, BUDGET of $budget s spent")
    return 0
  fi
  limit=$((cap - 35))
  [ "$limit" -le 110 ] || limit=110
  echo "== $column: round $round of $rounds"
  if timeout "$cap" "$@" --timeout "$limit" >"$work/round" 2>&1; then
    grep -v '^result ' "$work/round"
    awk -v c="$column" '$1 == "result" { print c, $2, $3 }' "$work/round" >>"$results"
  else
    cat "$work/round"
    failures+=("$column round $round failed")
  fi
}

run_rounds journal "$@" --backend journal
if [ "$high_rate" -gt 0 ]; then
  run_rounds journal-high "$@" --rate "$high_rate" --backend journal
fi
# The embedded store hubd had before the journal, as a peer in the same run.
if [ "$sqlite" != 0 ]; then
  run_rounds sqlite "$@" --backend sqlite
fi

if [ "$postgresql" != 0 ]; then
  pg_dir="$work/pg"
  echo "== postgresql: private server (tests/store/pg_test_server.sh)"
  # Sized as a database server for a hub would be: room for the WAL, so that checkpoints
  # come rarely and WAL files are recycled rather than created, and a larger buffer pool.
  printf '%s\n' "shared_buffers = 1GB" "max_wal_size = 8GB" "min_wal_size = 4GB" \
    "checkpoint_timeout = 30min" >"$work/pg.conf"
  if PG_SERVER_CONF="$work/pg.conf" timeout 120 bash tests/store/pg_test_server.sh start "$pg_dir"; then
    run_rounds postgresql "$@" --backend postgresql --dsn "$(cat "$pg_dir/dsn")"
  else
    failures+=("postgresql: the private server did not start")
  fi
  stop_pg
fi

if [ "$restart_deliveries" -gt 0 ]; then
  cap=$(remaining)
  [ "$cap" -le 420 ] || cap=420
  if [ "$cap" -lt 60 ]; then
    failures+=("restart_bench: skipped, BUDGET of $budget s spent")
  else
    echo "== restart: $restart_deliveries queued deliveries, embedded store"
    if timeout "$cap" "$build/bin/restart_bench" --hubd "$build/bin/hubd" \
         --deliveries "$restart_deliveries" --timeout 120 >"$work/round" 2>&1; then
      grep -v '^result ' "$work/round"
      awk '$1 == "result" { print "journal", $2, $3 }' "$work/round" >>"$results"
    else
      cat "$work/round"
      failures+=("restart_bench failed")
    fi
  fi
fi

# The router alone: no hubd, no store. Each round loads both rule sets afresh.
if [ "$decisions" -gt 0 ]; then
  for round in $(seq 1 "$rounds"); do
    cap=$(remaining)
    [ "$cap" -le 90 ] || cap=90
    if [ "$cap" -lt 30 ]; then
      failures+=("decision_bench round $round: skipped, BUDGET of $budget s spent")
      continue
    fi
    echo "== decision: round $round of $rounds, $decisions decisions per rule set"
    if timeout "$cap" "$build/bin/decision_bench" --decisions "$decisions" \
         --timeout $((cap - 15)) >"$work/round" 2>&1; then
      grep -v '^result ' "$work/round"
      awk '$1 == "result" { print "router", $2, $3 }' "$work/round" >>"$results"
    else
      cat "$work/round"
      failures+=("decision_bench round $round failed")
    fi
  done
fi

# The adapters alone: parse and map the upstream fixtures in process, no hubd.
if [ "$adapters" != 0 ]; then
  for round in $(seq 1 "$rounds"); do
    cap=$(remaining)
    [ "$cap" -le 60 ] || cap=60
    if [ "$cap" -lt 30 ]; then
      failures+=("adapter_bench round $round: skipped, BUDGET of $budget s spent")
      continue
    fi
    echo "== adapters: round $round of $rounds"
    if timeout "$cap" "$build/bin/adapter_bench" --timeout $((cap - 10)) >"$work/round" 2>&1; then
      grep -v '^result ' "$work/round"
      awk '$1 == "result" { print "adapters", $2, $3 }' "$work/round" >>"$results"
    else
      cat "$work/round"
      failures+=("adapter_bench round $round failed")
    fi
  done
fi

# Side by side: Gallery, durable and not, against the brokers an agency would pick instead,
# each at the same offered rates. Columns are SYSTEM@RATE (tests/bench/side_by_side.py).
# Each round runs every system once, so that other load on the machine falls on all alike;
# the RabbitMQ node stays up, idle between its runs, for the whole step. The throughput
# phase is measured in the runs at the first rate; at the second, 2,000 records warm up.
# Latency phases of 3 s (arguments may say otherwise) keep the step near a minute a round.
peer_rates=(5000 10000)
side_args=(--duration 3)
if [ "$rabbitmq" != 0 ] || [ "$forwarder" != 0 ]; then
  durable=()
  if "$build/bin/e2e_bench" --help | grep -q -- '--durable'; then
    durable=(--durable yes)
  else
    echo "== side by side: this e2e_bench has no --durable; the durability-off column stays empty"
  fi
  rabbitmq_port=""
  if [ "$rabbitmq" != 0 ] && [ -n "$rabbitmq_missing" ]; then
    echo "== rabbitmq: skipped, $rabbitmq_missing (deploy/install-deps.sh installs it)"
  elif [ "$rabbitmq" != 0 ]; then
    rabbitmq_dir="$work/rabbitmq"
    echo "== rabbitmq: private node (tests/bench/rabbitmq_server.sh)"
    if rabbitmq_port=$(timeout 90 bash tests/bench/rabbitmq_server.sh start "$rabbitmq_dir"); then
      rabbitmq_pid=$(cat "$rabbitmq_dir/pid")
    else
      rabbitmq_port=""
      failures+=("rabbitmq: the private node did not start")
    fi
  fi
  for round in $(seq 1 "$rounds"); do
    for rate in "${peer_rates[@]}"; do
      at=(--rate "$rate")
      [ "$rate" = "${peer_rates[0]}" ] || at+=(--records 2000)
      side_round "gallery-durable@$rate" "$round" "$build/bin/e2e_bench" --hubd "$build/bin/hubd" \
        "${side_args[@]}" "$@" --backend journal "${at[@]}" "${durable[@]}"
      if [ ${#durable[@]} -gt 0 ]; then
        side_round "gallery-nosync@$rate" "$round" "$build/bin/e2e_bench" \
          --hubd "$build/bin/hubd" "${side_args[@]}" "$@" --backend journal "${at[@]}" --durable no
      fi
      if [ -n "$rabbitmq_port" ]; then
        for mode in rabbitmq rabbitmq-transient; do
          transient=()
          [ "$mode" = rabbitmq ] || transient=(--transient)
          side_round "$mode@$rate" "$round" "$build/bin/rabbitmq_bench" --port "$rabbitmq_port" \
            --broker-pid "$rabbitmq_pid" "${side_args[@]}" "${peer_args[@]}" "${at[@]}" \
            "${transient[@]}"
        done
      fi
      if [ "$forwarder" != 0 ]; then
        side_round "forwarder@$rate" "$round" "$build/bin/zmq_forwarder_bench" "${side_args[@]}" \
          "${peer_args[@]}" "${at[@]}"
      fi
    done
  done
  stop_rabbitmq
fi

echo
echo "== results: median of $rounds round(s) per column, restart_bench once; $(nproc) cores," \
  "$((SECONDS - started)) s"
sort -k1,1 -k2,2 -k3,3g "$results" | awk -v rounds="$rounds" \
    -v deliveries="$restart_deliveries" '
  { key = $1 SUBSEP $2; values[key, ++n[key]] = $3 }
  function median(key,   k) {
    k = n[key]
    if (k == 0) return ""
    if (k % 2) return values[key, (k + 1) / 2]
    return (values[key, k / 2] + values[key, k / 2 + 1]) / 2
  }
  function cell(column, name, format,   m) {
    m = median(column SUBSEP name)
    return m == "" ? "-" : sprintf(format, m)
  }
  function row(label, name, format,   c, line) {
    line = sprintf("%-46s", label)
    for (c = 1; c <= ncols; c++) line = line sprintf(" %13s", cell(cols[c], name, format))
    print line
  }
  function rate_header(column,   m) {
    m = median(column SUBSEP "offered_records_per_s")
    return m == "" ? "" : "at " m "/s"
  }
  END {
    ncols = split("journal journal-high sqlite postgresql", cols, " ")
    head1 = sprintf("%-46s", "figure (latency: at the offered rate below)")
    head2 = sprintf("%-46s", "")
    for (c = 1; c <= ncols; c++) {
      head1 = head1 sprintf(" %13s", cols[c] == "journal-high" ? "journal" : cols[c])
      head2 = head2 sprintf(" %13s", rate_header(cols[c]))
    }
    print head1; print head2
    row("end to end, records/s (first send -> ack x3)", "e2e_records_per_s", "%.0f")
    row("confirmed, records/s (first send -> confirm)", "confirm_records_per_s", "%.0f")
    row("publish -> delivery p50, ms", "delivery_p50_ms", "%.2f")
    row("publish -> delivery p99, ms", "delivery_p99_ms", "%.2f")
    row("publish -> confirm p50, ms", "confirm_p50_ms", "%.2f")
    row("publish -> confirm p99, ms", "confirm_p99_ms", "%.2f")
    row("disk: 4 KiB append + fdatasync p50, ms", "fdatasync_p50_ms", "%.2f")
    row("disk: 4 KiB append + fdatasync p99, ms", "fdatasync_p99_ms", "%.2f")
    row("store bytes per record journaled", "store_bytes_per_record", "%.0f")
    print "restart_bench, " deliveries " queued deliveries, once:"
    row("  fill through the store API, records/s", "restart_fill_records_per_s", "%.0f")
    row("  hubd start -> accepting, s", "restart_accept_s", "%.3f")
    row("  hubd start -> first delivery, s", "restart_first_delivery_s", "%.3f")
    row("  one recipient drains, deliveries/s", "restart_drain_per_s", "%.0f")
    row("  hubd peak resident memory, MiB", "restart_peak_rss_mib", "%.0f")
    print "decision_bench, median over the rounds (router column):"
    ncols = split("router", cols, " ")
    row("  10 rules: decision median, us", "decision_median_us_few", "%.2f")
    row("  10 rules: decision p99, us", "decision_p99_us_few", "%.2f")
    row("  10,000 rules: decision median, us", "decision_median_us_many", "%.2f")
    row("  10,000 rules: decision p99, us", "decision_p99_us_many", "%.2f")
    row("  median ratio 10,000 / 10 rules", "decision_median_ratio", "%.2f")
    print "adapter_bench, parse and map in process, median over the rounds (adapters column):"
    ncols = split("adapters", cols, " ")
    row("  HL7 v2, messages/s", "hl7v2_messages_per_s", "%.0f")
    row("  FHIR JSON, resources/s", "fhir_messages_per_s", "%.0f")
    row("  CSV, rows/s", "csv_messages_per_s", "%.0f")
    ncols = split("journal journal-high sqlite postgresql", cols, " ")

    print ""
    print "== each round (sorted)"
    for (key in n) keys[++nkeys] = key
    ncols = split("journal journal-high sqlite postgresql router adapters", cols, " ")
    for (c = 1; c <= ncols; c++) {
      for (i = 1; i <= nkeys; i++) {
        split(keys[i], part, SUBSEP)
        if (part[1] != cols[c] || part[2] ~ /^restart_/) continue
        line = ""
        for (j = 1; j <= n[keys[i]]; j++) line = line (j > 1 ? " " : "") values[keys[i], j]
        lines[cols[c] " " part[2]] = sprintf("%-12s %-24s %s", cols[c], part[2], line)
      }
    }
    # In a stable order: by column, then figure name.
    nl = 0
    for (l in lines) sorted[++nl] = l
    for (i = 2; i <= nl; i++) {
      v = sorted[i]
      for (j = i - 1; j >= 1 && sorted[j] > v; j--) sorted[j + 1] = sorted[j]
      sorted[j + 1] = v
    }
    for (i = 1; i <= nl; i++) print lines[sorted[i]]

    print ""
    print "== targets (medians)"
    target("journal", "e2e_records_per_s", ">=", 50000, 0,
           "embedded: >= 50000 records/s end to end", "%.0f records/s")
    high = median("journal-high" SUBSEP "offered_records_per_s")
    at = high == "" ? "at the high rate" : "at " high "/s"
    target("journal-high", "delivery_p50_ms", "<=", 1, 0,
           "embedded: delivery p50 <= 1 ms " at, "%.2f ms")
    f99 = median("journal-high" SUBSEP "fdatasync_p99_ms")
    target("journal-high", "delivery_p99_ms", "<=", f99 == "" ? "" : f99 + 1, 0,
           "embedded: delivery p99 <= fdatasync p99 + 1 ms " at,
           "%.2f ms (limit " (f99 == "" ? "-" : sprintf("%.2f", f99 + 1)) " ms)")
    target("journal", "restart_first_delivery_s", "<=", 5, 1,
           "restart: delivering again within 5 s", "%.3f s")
    # 300 MB = 286.1 MiB.
    target("journal", "restart_peak_rss_mib", "<=", 300e6 / 1048576, 0,
           "restart: hubd peak RSS <= 300 MB (286 MiB)", "%.0f MiB")
    target("postgresql", "e2e_records_per_s", ">=", 15000, 0,
           "postgresql: >= 15000 records/s end to end", "%.0f records/s")
    target("router", "decision_median_us_many", "<=", 5, 0,
           "router: decision median <= 5 us with 10,000 rules", "%.2f us")
    target("router", "decision_median_ratio", "<=", 2, 0,
           "router: median <= 2x the 10-rule median", "%.2f x")
  }
  # Prints whether the median of NAME in COLUMN is OP LIMIT (and >= 0 when NONNEG).
  function target(column, name, op, limit, nonneg, label, format,   m, ok, verdict) {
    m = median(column SUBSEP name)
    if (m == "" || limit == "") {
      verdict = "no figure"; m = "-"
    } else {
      ok = (op == ">=") ? (m + 0 >= limit) : (m + 0 <= limit)
      if (nonneg && m + 0 < 0) ok = 0
      verdict = ok ? "met" : "NOT MET"
      m = sprintf(format, m)
    }
    printf "%-58s %-28s %s\n", label, m, verdict
  }'

python3 tests/bench/side_by_side.py "$results" --rounds "$rounds" ${json:+--json "$json"}

if [ ${#failures[@]} -gt 0 ]; then
  printf 'run.sh: %s\n' "${failures[@]}" >&2
  exit 1
fi
