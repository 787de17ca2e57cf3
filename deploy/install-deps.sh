#!/usr/bin/env bash
# Installs from Debian 12 everything Gallery's build, demo and tests need.
# Idempotent: packages already present are left alone. Run as root.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  libzmq3-dev cppzmq-dev libsodium-dev
  libssl-dev  # OpenSSL's SHA-256, with the CPU's SHA instructions, for the audit log
  libprotobuf-dev protobuf-compiler
  libboost-dev libboost-program-options-dev nlohmann-json3-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev libsqlite3-dev sqlite3
  libgoogle-perftools-dev  # tcmalloc_minimal, hubd's allocator
  postgresql libpq-dev
  rabbitmq-server librabbitmq-dev  # the peer broker of tests/bench/run.sh's side-by-side
  prometheus  # promtool: checks hubd's /metrics text and the alert rules in the tests
  systemd     # systemd-analyze: checks the service units in deploy/systemd
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev  # libFuzzer and the sanitizers for the fuzz step of tests/run.sh
  python3
  python3-zmq python3-protobuf  # adapters/python, run by /usr/bin/python3
  chromium  # the dashboard's browser test (tests/dashboard), headless
)
# The browser test's driver runs on Node.js; a machine with its own node keeps it.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The package also brings a Prometheus server; Gallery needs only its promtool here.
if [ -d /run/systemd/system ] && [[ " ${missing[*]} " == *" prometheus "* ]]; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
# Likewise a RabbitMQ node: the benchmark starts a private one (tests/bench/rabbitmq_server.sh).
if [ -d /run/systemd/system ] && [[ " ${missing[*]} " == *" rabbitmq-server "* ]]; then
  systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
fi
