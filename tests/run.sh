#!/usr/bin/env bash
# Installs what the tests need, builds every configuration once and runs every suite.
# Exits non-zero on any failure.
#   tests/run.sh            everything (release build with warnings as errors, then ASan/UBSan)
#   GALLERY_SKIP_SANITIZE=1 tests/run.sh   skip the sanitizer build (quicker, local use)
#   GALLERY_SKIP_FUZZ=1 tests/run.sh       skip the fuzz step (clang, libFuzzer)
#   GALLERY_FUZZ_SECONDS=N tests/run.sh    run each fuzz target N seconds (default 20)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deploy/install-deps.sh

# The dashboard's browser test drives Chromium with playwright-core, pinned by the lock file.
echo "== npm ci tests/dashboard"
(cd tests/dashboard && npm ci --no-audit --no-fund --prefer-offline)

jobs=$(nproc)

build_and_test() {
  local dir=$1; shift
  echo "== configure $dir ($*)"
  cmake -S . -B "$dir" -G Ninja -DGALLERY_WERROR=ON "$@" >/dev/null
  echo "== build $dir"
  cmake --build "$dir" -j "$jobs"
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
  local screenshot="$root/$dir/tests/dashboard/dashboard.png"
  if [ -f "$screenshot" ]; then echo "dashboard screenshot: $screenshot"; fi
}

build_and_test build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${GALLERY_SKIP_SANITIZE:-0}" != 1 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build_and_test build/sanitize -DCMAKE_BUILD_TYPE=Debug -DGALLERY_SANITIZE=ON
fi

# Each tests/fuzz target, built with clang, libFuzzer, ASan and UBSan (only the targets and
# the libraries they use), runs from its seed corpus for a bounded time. New inputs go to
# the build folder; a crash fails the run and leaves its input there, to be fixed and added
# to tests/fuzz/corpus/<target>/ (which the ordinary build's fuzz_replay_* tests replay).
if [ "${GALLERY_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz_dir=build/fuzz
  echo "== configure $fuzz_dir (clang, libFuzzer)"
  cmake -S . -B "$fuzz_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DGALLERY_FUZZ=ON >/dev/null
  echo "== build $fuzz_dir"
  cmake --build "$fuzz_dir" -j "$jobs" --target fuzz_targets
  seconds=${GALLERY_FUZZ_SECONDS:-20}
  failed=0
  for seeds in tests/fuzz/corpus/*/; do
    target=$(basename "$seeds")
    work="$fuzz_dir/work/$target"
    mkdir -p "$work/corpus"
    echo "== fuzz $target (${seconds}s)"
    if ! "$fuzz_dir/bin/${target}_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$work/" \
        "$work/corpus" "$seeds" >"$work/log" 2>&1; then
      tail -n 60 "$work/log"
      echo "fuzz $target: crashed; the input is in $work/"
      failed=1
    fi
  done
  [ "$failed" = 0 ]
fi

echo "== demo region"
GALLERY_BUILD_DIR=build/release deploy/demo.sh --no-install

echo "tests/run.sh: all suites passed"
