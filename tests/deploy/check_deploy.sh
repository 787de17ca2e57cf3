#!/usr/bin/env bash
# Checks deploy/: the Prometheus alert rules (syntax, then their unit tests in
# gallery_alerts_test.yml), that the alerts and the Grafana dashboard use only metrics hubd
# exports, and the systemd units (systemd-analyze verify, with ExecStart
# pointed at the binaries of this build, as the installed ones may not exist here).
#   check_deploy.sh SOURCE_DIR BIN_DIR
set -euo pipefail
src=$1
bin=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

promtool check rules "$src/deploy/prometheus/gallery-alerts.yml"
(cd "$src/tests/deploy" && promtool test rules gallery_alerts_test.yml)

# Every metric the alerts and the Grafana dashboard use is one hubd exports.
for name in $(sed '/^ *#/d' "$src/deploy/prometheus/gallery-alerts.yml" "$src/deploy/grafana/gallery-hub.json" |
                grep -o 'gallery_[a-z_]*' | sed -E 's/_(bucket|sum|count)$//' | sort -u); do
  grep -q "\"$name\"" "$src/hub/server/hub_metrics.cc" || {
    echo "check_deploy: $name is used in deploy/ but hubd exports no such metric" >&2
    exit 1
  }
done
python3 -m json.tool "$src/deploy/grafana/gallery-hub.json" >/dev/null

for unit in "$src"/deploy/systemd/*.service; do
  name=$(basename "$unit")
  # A template is checked as one instance of it.
  [[ "$name" == *@.service ]] && name="${name%@.service}@test-agency.service"
  sed -e "s|/usr/bin/|$bin/|g" "$unit" >"$work/$name"
  echo "systemd-analyze verify $name"
  # It reports directives it cannot parse but still exits 0: any output is a failure.
  out=$(systemd-analyze verify "$work/$name" 2>&1) || { echo "$out" >&2; exit 1; }
  if [ -n "$out" ]; then echo "$out" >&2; exit 1; fi
done
