#!/usr/bin/env bash
# Builds hubd and e2e_bench (RelWithDebInfo, in build/release as tests/run.sh does), runs the
# end-to-end benchmark ROUNDS times (default 3) and prints the median of each figure.
# Arguments go to every e2e_bench round. Takes about 2 minutes once built; exits non-zero
# when a round fails.
#   tests/bench/run.sh
#   ROUNDS=5 tests/bench/run.sh --records 20000 --rate 1000
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

build=build/release
rounds=${ROUNDS:-3}

echo "== build $build (e2e_bench, hubd)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target e2e_bench hubd

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds"
  # e2e_bench stops itself at 120 s (--timeout); this is the backstop.
  if ! timeout 180 "$build/bin/e2e_bench" --hubd "$build/bin/hubd" "$@" >"$results.round"; then
    cat "$results.round"
    rm -f "$results.round"
    echo "run.sh: round $round failed" >&2
    exit 1
  fi
  grep -v '^result ' "$results.round"
  grep '^result ' "$results.round" >>"$results"
  rm -f "$results.round"
done

echo "== median of $rounds rounds ($(nproc) cores)"
# Lines are "result NAME VALUE"; prints each name (sorted) with its median and every value.
sort -k2,2 -k3,3g "$results" | awk '
  { if (!($2 in n)) order[++names] = $2; values[$2, ++n[$2]] = $3 }
  END {
    for (i = 1; i <= names; i++) {
      name = order[i]; k = n[name]
      if (k % 2) median = values[name, (k + 1) / 2]
      else median = (values[name, k / 2] + values[name, k / 2 + 1]) / 2
      line = sprintf("%-26s %12s   (", name, median)
      for (j = 1; j <= k; j++) line = line (j > 1 ? " " : "") values[name, j]
      print line ")"
    }
  }'
