#!/usr/bin/env bash
# How Gallery scales: builds hubd and e2e_bench (RelWithDebInfo, in build/release as run.sh
# does; BUILD=DIR for another folder), then runs e2e_bench on the journal, durable, ROUNDS
# times (default 3) per point of three dimensions, one at a time from the default world
# (3 recipients, the bench's one rule, the 1,191-byte record):
#   recipients per record   1, 3, 10, 50          (--recipients)
#   rules loaded            10, 1,000, 10,000     (--rules)
#   record size             256 B, 1 KiB, 16 KiB, 256 KiB (--record-bytes)
# and prints a table of the medians: end-to-end records/s (throughput phase, RECORDS
# records, default 20000, fewer for big records so that a point moves at most 512 MiB) and
# publish -> delivery p99 at an offered rate of RATE records/s (default 5000) for DURATION
# seconds (default 3), capped where the hub cannot sustain it: at DELIVERY_CAP deliveries/s
# (default 60000, so 1,200 records/s to 50 recipients) and 32 MiB/s of records (128 records/s
# of 256 KiB). The table gives the rate each point was offered. The publisher keeps at most
# 64 MiB unconfirmed (--in-flight 256 for 256 KiB records; 2,000 otherwise).
# Bounded: each round by timeout, the whole by BUDGET seconds (default 600); points that no
# longer fit are skipped and listed. Loopback only. Exits non-zero when a round failed or a
# point was skipped.
#   tests/bench/scaling.sh
#   ROUNDS=1 BUDGET=300 tests/bench/scaling.sh --json /tmp/scaling.json
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

build=${BUILD:-build/release}
rounds=${ROUNDS:-3}
records=${RECORDS:-20000}
rate=${RATE:-5000}
duration=${DURATION:-3}
delivery_cap=${DELIVERY_CAP:-60000}
budget=${BUDGET:-600}
for knob in "ROUNDS=$rounds" "RECORDS=$records" "RATE=$rate" "DURATION=$duration" \
            "DELIVERY_CAP=$delivery_cap" "BUDGET=$budget"; do
  case "${knob#*=}" in
    '' | *[!0-9]*) echo "scaling.sh: ${knob%%=*} must be a whole number" >&2; exit 2 ;;
  esac
  [ "${knob#*=}" -ge 1 ] || { echo "scaling.sh: ${knob%%=*} must be at least 1" >&2; exit 2; }
done
json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) [ $# -ge 2 ] || { echo "scaling.sh: --json needs a file" >&2; exit 2; }
            json=$2; shift 2 ;;
    *) echo "usage: scaling.sh [--json FILE]  (knobs: ROUNDS RECORDS RATE DURATION" \
            "DELIVERY_CAP BUDGET BUILD)" >&2; exit 2 ;;
  esac
done

echo "== build $build (e2e_bench, hubd)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target e2e_bench hubd

work=$(mktemp -d "${TMPDIR:-/tmp}/gallery-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
rows="$work/rows"  # "DIMENSION POINT RECORDS OFFERED RPS P99 OK RPS/RPS/.. P99/P99/.." per point
: >"$rows"
failures=()
skipped=()
started=$SECONDS
remaining() { echo $((budget - (SECONDS - started))); }

# median FILE: the median of the numbers in FILE, one a line ("-" when there are none).
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# point DIMENSION VALUE BYTES ARGS...: ROUNDS rounds of e2e_bench with ARGS for records of
# about BYTES bytes to `recipients` recipients, then one row of medians.
point() {
  local dimension=$1 value=$2 bytes=$3 recipients=$4 round cap limit
  shift 4
  local n=$records offered=$rate
  [ $((536870912 / bytes)) -ge "$n" ] || n=$((536870912 / bytes))
  [ $((delivery_cap / recipients)) -ge "$offered" ] || offered=$((delivery_cap / recipients))
  [ $((33554432 / bytes)) -ge "$offered" ] || offered=$((33554432 / bytes))
  # At most 64 MiB unconfirmed: more big records in flight outlast the publisher's confirm
  # timeout and are resent.
  local in_flight=2000
  [ $((67108864 / bytes)) -ge "$in_flight" ] || in_flight=$((67108864 / bytes))
  : >"$work/rps"
  : >"$work/p99"
  for round in $(seq 1 "$rounds"); do
    cap=$(remaining)
    if [ "$cap" -lt 40 ]; then
      skipped+=("$dimension $value round $round")
      continue
    fi
    [ "$cap" -le 240 ] || cap=240
    limit=$((cap - 30))
    echo "== $dimension $value: round $round of $rounds ($n records, latency at $offered/s)"
    if timeout "$cap" "$build/bin/e2e_bench" --hubd "$build/bin/hubd" --backend journal \
         --records "$n" --rate "$offered" --duration "$duration" --in-flight "$in_flight" \
         --fsyncs 200 \
         --timeout "$limit" "$@" >"$work/round" 2>&1; then
      awk '$1 == "result" && $2 == "e2e_records_per_s" { print $3 }' "$work/round" >>"$work/rps"
      awk '$1 == "result" && $2 == "delivery_p99_ms" { print $3 }' "$work/round" >>"$work/p99"
    else
      tail -20 "$work/round"
      failures+=("$dimension $value round $round failed")
    fi
  done
  echo "$dimension $value $n $offered $(median "$work/rps") $(median "$work/p99")" \
       "$(wc -l <"$work/rps") $(paste -sd/ "$work/rps") $(paste -sd/ "$work/p99")" >>"$rows"
}

point recipients 1 1191 1 --recipients 1
point recipients 3 1191 3 --recipients 3
point recipients 10 1191 10 --recipients 10
point recipients 50 1191 50 --recipients 50
point rules 10 1191 3 --rules 10
point rules 1000 1191 3 --rules 1000
point rules 10000 1191 3 --rules 10000
point record_bytes 256 256 3 --record-bytes 256
point record_bytes 1024 1024 3 --record-bytes 1024
point record_bytes 16384 16384 3 --record-bytes 16384
point record_bytes 262144 262144 3 --record-bytes 262144

echo
echo "Gallery scaling: e2e_bench, journal store, durable; median of $rounds rounds;" \
     "latency phase $duration s; $(nproc) cores; $((SECONDS - started)) s of measuring"
printf '%-13s %8s %9s %10s %10s %8s %7s   %s\n' dimension point records "offered/s" \
       "records/s" "p99 ms" rounds "each round: records/s, delivery p99 ms"
while read -r dimension value n offered rps p99 ok each_rps each_p99; do
  printf '%-13s %8s %9s %10s %10s %8s %7s   %s\n' "$dimension" "$value" "$n" "$offered" \
         "$(printf '%.0f' "$rps" 2>/dev/null || echo -)" "$p99" "$ok/$rounds" \
         "${each_rps:--}, ${each_p99:--}"
done <"$rows"

if [ -n "$json" ]; then
  awk -v rounds="$rounds" -v duration="$duration" -v cores="$(nproc)" '
    BEGIN { printf "{\n  \"store\": \"journal\", \"durable\": true, \"rounds\": %d,", rounds
            printf " \"latency_seconds\": %d, \"cores\": %d,\n  \"points\": [", duration, cores }
    { printf "%s\n    {\"dimension\": \"%s\", \"value\": %s, \"records\": %s, " \
             "\"offered_per_s\": %s, \"records_per_s\": %s, \"delivery_p99_ms\": %s, " \
             "\"rounds_ok\": %s}", (NR > 1 ? "," : ""), $1, $2, $3, $4,
             ($5 == "-" ? "null" : $5), ($6 == "-" ? "null" : $6), $7 }
    END { printf "\n  ]\n}\n" }' "$rows" >"$json"
  echo "== table written to $json"
fi

for skip in "${skipped[@]}"; do
  echo "scaling.sh: SKIPPED (BUDGET of $budget s spent): $skip" >&2
done
for failure in "${failures[@]}"; do echo "scaling.sh: FAILED: $failure" >&2; done
[ ${#failures[@]} -eq 0 ] && [ ${#skipped[@]} -eq 0 ]
