#!/usr/bin/env bash
# A soak: builds hubd and e2e_bench (RelWithDebInfo, in build/release as run.sh does;
# BUILD=DIR for another folder), then runs one hubd on the journal, durable, on loopback,
# with e2e_bench's publisher offering RATE records/s (default 10000) to three acking
# subscribers for DURATION seconds (default 600, at most 600), and samples every WINDOW
# seconds (default 30) hubd's resident memory and the publish -> delivery p50 / p99 of the
# records sent in that window. Prints the samples and a verdict:
#   - hubd's RSS growth from the first minute's sample (the one at 60 s; the first sample
#     when the run is too short to have a later one) to the last, in MiB and %;
#   - the p99 of the first window against that of the last.
# Exits non-zero when RSS grew by more than 20 %, the p99 more than doubled, or the run
# failed (a record not confirmed or not delivered, hubd stopping badly).
#   tests/bench/soak.sh
#   DURATION=60 tests/bench/soak.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

build=${BUILD:-build/release}
duration=${DURATION:-600}
rate=${RATE:-10000}
window=${WINDOW:-30}
for knob in "DURATION=$duration" "RATE=$rate" "WINDOW=$window"; do
  case "${knob#*=}" in
    '' | *[!0-9]*) echo "soak.sh: ${knob%%=*} must be a whole number" >&2; exit 2 ;;
  esac
  [ "${knob#*=}" -ge 1 ] || { echo "soak.sh: ${knob%%=*} must be at least 1" >&2; exit 2; }
done
[ "$duration" -le 600 ] || { echo "soak.sh: DURATION must be at most 600" >&2; exit 2; }
[ "$window" -le "$duration" ] || { echo "soak.sh: WINDOW must be at most DURATION" >&2; exit 2; }
[ $((rate * duration)) -le 10000000 ] ||
  { echo "soak.sh: RATE x DURATION must be at most 10,000,000 records" >&2; exit 2; }

# The journal keeps every record's bytes until retention (hours) purges them: about 4.5 KB
# per record of the bench's shape, 27 GB for 10 minutes at 10,000/s. A full disk would make
# the hub refuse records, which is not what a soak measures: refuse to start instead.
tmp_dir=${TMPDIR:-/tmp}
needed_kib=$((rate * duration * 9 / 2 + 1048576))
free_kib=$(df -Pk "$tmp_dir" | awk 'NR == 2 { print $4 }')
if [ "$free_kib" -lt "$needed_kib" ]; then
  echo "soak.sh: $tmp_dir has $((free_kib / 1024)) MiB free; $rate records/s for $duration s" \
       "journals about $((needed_kib / 1024)) MiB: free space, or lower RATE or DURATION" >&2
  exit 2
fi

echo "== build $build (e2e_bench, hubd)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target e2e_bench hubd

out=$(mktemp "${TMPDIR:-/tmp}/gallery-soak.XXXXXX")
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

echo "== soak: $rate records/s for $duration s, 3 subscribers, journal (durable)"
# A short throughput phase first (e2e_bench always has one); the soak is its latency phase.
# e2e_bench's --timeout bounds it, and timeout(1) is the backstop.
status=0
timeout $((duration + 240)) "$build/bin/e2e_bench" --hubd "$build/bin/hubd" \
  --backend journal --records 1000 --rate "$rate" --duration "$duration" \
  --soak-windows "$window" --timeout $((duration + 180)) >"$out" 2>&1 || status=$?
grep -v '^result \|^window ' "$out"

echo
echo "== samples (hubd RSS at the window's end; latency of the records sent in it)"
printf '%7s %8s %10s %10s %12s\n' "to, s" "RSS MiB" "p50 ms" "p99 ms" deliveries
awk '$1 == "window" { printf "%7.0f %8.1f %10.2f %10.2f %12d\n", $3, $4, $5, $6, $7 }' "$out"

verdict=$(awk '
  $1 == "window" { n++; end[n] = $3; rss[n] = $4; p99[n] = $6; if ($7 == 0) empty++ }
  END {
    if (n == 0) { print "none"; exit }
    base = 1
    for (i = 1; i < n; i++) if (end[i] >= 59) { base = i; break }
    grew = rss[n] - rss[base]
    pct = rss[base] > 0 ? 100 * grew / rss[base] : 0
    # A window without deliveries has no p99: the run fails on it.
    ratio = p99[1] > 0 && !empty ? p99[n] / p99[1] : 999
    printf "%.0f %.1f %.1f %.1f %.1f %.2f %.2f %.2f %s %s\n", end[base], rss[base], rss[n],
           grew, pct, p99[1], p99[n], ratio, (pct > 20 ? "bad" : "ok"), (ratio > 2 ? "bad" : "ok")
  }' "$out")
if [ "$verdict" = "none" ]; then
  echo "soak.sh: FAILED: e2e_bench reported no windows (exit status $status)" >&2
  exit 1
fi
read -r base_s rss_base rss_last grew pct p99_first p99_last ratio rss_ok p99_ok <<<"$verdict"
echo
echo "verdict: hubd RSS ${rss_base} MiB at ${base_s} s -> ${rss_last} MiB at the end:" \
     "${grew} MiB (${pct} %; limit 20 %): $([ "$rss_ok" = ok ] && echo ok || echo TOO MUCH)"
echo "verdict: delivery p99 first window ${p99_first} ms -> last ${p99_last} ms" \
     "(x${ratio}; limit x2): $([ "$p99_ok" = ok ] && echo ok || echo TOO MUCH)"
failed=0
if [ "$status" -ne 0 ]; then
  echo "soak.sh: FAILED: e2e_bench exited with status $status" >&2
  failed=1
fi
[ "$rss_ok" = ok ] || { echo "soak.sh: FAILED: hubd RSS grew by ${pct} %" >&2; failed=1; }
[ "$p99_ok" = ok ] || { echo "soak.sh: FAILED: delivery p99 grew x${ratio}" >&2; failed=1; }
exit "$failed"
