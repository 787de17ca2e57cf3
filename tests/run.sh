#!/usr/bin/env bash
# Installs what the tests need, builds every configuration once and runs every suite.
# Exits non-zero on any failure.
#   tests/run.sh            everything (release build with warnings as errors, then ASan/UBSan)
#   GALLERY_SKIP_SANITIZE=1 tests/run.sh   skip the sanitizer build (quicker, local use)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deploy/install-deps.sh

jobs=$(nproc)

build_and_test() {
  local dir=$1; shift
  echo "== configure $dir ($*)"
  cmake -S . -B "$dir" -G Ninja -DGALLERY_WERROR=ON "$@" >/dev/null
  echo "== build $dir"
  cmake --build "$dir" -j "$jobs"
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

build_and_test build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${GALLERY_SKIP_SANITIZE:-0}" != 1 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build_and_test build/sanitize -DCMAKE_BUILD_TYPE=Debug -DGALLERY_SANITIZE=ON
fi

echo "== demo region"
GALLERY_BUILD_DIR=build/release deploy/demo.sh --no-install

echo "tests/run.sh: all suites passed"
