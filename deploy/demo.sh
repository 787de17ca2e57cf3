#!/usr/bin/env bash
# Builds Gallery and runs the demo region on loopback: hubd with its embedded store, an
# inbox sink per agency, and each agency's CSV extract pushed through adapter-csv. The
# hospital also joins as its other systems would, by configuration alone: its patient
# administration system sends HL7 v2 ADT messages (an admission, an update of it, a
# discharge) over MLLP to adapter-hl7v2 (send_mllp.py), and a FHIR client posts a referral
# (ServiceRequest) and a transaction Bundle (a Patient and a Condition) to adapter-fhir
# (post_fhir.py). Waits until every delivery is acked, asks who else is involved with an
# older person as her district nurse, stops everything it started, and prints the
# involvement alert a child on a protection plan raised by attending the hospital, who
# received what, what was withheld from whom, and under which rules.
#   deploy/demo.sh [--no-install] [--hold]
# With --hold the region keeps running after the deliveries, until Ctrl-C, so that the ops
# dashboard (the URL it prints) can be looked at.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

install=1
hold=0
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --hold) hold=1 ;;
    *) echo "usage: deploy/demo.sh [--no-install] [--hold]" >&2; exit 2 ;;
  esac
done
if [ "$install" = 1 ]; then
  deploy/install-deps.sh
fi

build=${GALLERY_BUILD_DIR:-build/release}
if [ ! -x "$build/bin/hubd" ] || [ -z "${GALLERY_BUILD_DIR:-}" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)" --target hubd hubctl adapter-csv adapter-sink \
    adapter-hl7v2 adapter-fhir
fi
bin="$root/$build/bin"

demo=deploy/demo
run="$demo/run"
rm -rf "$run"
mkdir -p "$run/inbox" "$run/logs"
config="$demo/hub.yaml"

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop_all EXIT

agencies=$(sed -n 's/^  - id: //p' "$config")
keys="$run/keys"
echo "== making a CURVE key pair for the hub and each agency"
mkdir -p "$keys/agencies"
"$bin/hubctl" keys new demo-hub --dir "$keys" >/dev/null
for agency in $agencies; do "$bin/hubctl" keys new "$agency" --dir "$keys/agencies" >/dev/null; done
# An agency's --key and --hub-key.
key_flags() { echo --key "$keys/agencies/$1.key" --hub-key "$keys/demo-hub.pub"; }
# The agency a mapping is for.
mapping_agency() { sed -n 's/^agency: //p' "$1"; }

# Starts a listening adapter, NAME COMMAND..., with its output in $run/logs/NAME.log, and
# sets $listening to the HOST:PORT it printed once bound.
start_listener() {
  local name=$1 pid
  shift
  "$@" >"$run/logs/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  listening=
  for _ in $(seq 1 200); do
    listening=$(sed -n 's/^listening on //p' "$run/logs/$name.log")
    [ -n "$listening" ] && return
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "$name did not start; see $run/logs/$name.log" >&2
  exit 1
}

echo "== starting hubd"
"$bin/hubd" --config "$config" --endpoint-file "$run/endpoint" --admin-file "$run/admin" \
  >"$run/logs/hubd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$run/endpoint" ] && [ -s "$run/admin" ] && break; sleep 0.05; done
[ -s "$run/endpoint" ] || { echo "hubd did not start; see $run/logs/hubd.log" >&2; exit 1; }
endpoint=$(cat "$run/endpoint")
echo "hubd serving on $endpoint"
echo "ops dashboard: http://$(cat "$run/admin")/"

echo "== starting an inbox sink per agency"
for agency in $agencies; do
  # shellcheck disable=SC2046  # key_flags prints four words
  "$bin/adapter-sink" --hub "$endpoint" --agency "$agency" --inbox "$run/inbox/$agency" \
    $(key_flags "$agency") >"$run/logs/sink-$agency.log" 2>&1 &
  pids+=($!)
done

echo "== pushing each agency's native extract"
for mapping in "$demo"/mappings/*.yaml; do
  name=$(basename "$mapping" .yaml)
  agency=$(mapping_agency "$mapping")
  # shellcheck disable=SC2046  # key_flags prints four words
  "$bin/adapter-csv" --hub "$endpoint" $(key_flags "$agency") --mapping "$mapping" \
    "$demo/samples/$name.csv"
done

hl7_mapping="$demo/mappings/hl7v2/hosp-general-adt.yaml"
echo "== starting the hospital's MLLP listener (adapter-hl7v2)"
# shellcheck disable=SC2046  # key_flags prints four words
start_listener adapter-hl7v2 "$bin/adapter-hl7v2" --hub "$endpoint" \
  $(key_flags "$(mapping_agency "$hl7_mapping")") --mapping "$hl7_mapping" --listen 127.0.0.1:0
mllp_address=$listening
echo "adapter-hl7v2 listening on $mllp_address"
echo "== the hospital's PAS sends its ADT messages over MLLP"
/usr/bin/python3 "$demo/send_mllp.py" "$mllp_address" "$demo/samples/hosp-general-adt.hl7" || {
  echo "an HL7 v2 message was not accepted; see $run/logs/adapter-hl7v2.log" >&2
  exit 1
}

fhir_mapping="$demo/mappings/fhir/hosp-general-fhir.yaml"
echo "== starting the hospital's FHIR endpoint (adapter-fhir)"
# shellcheck disable=SC2046  # key_flags prints four words
start_listener adapter-fhir "$bin/adapter-fhir" --hub "$endpoint" \
  $(key_flags "$(mapping_agency "$fhir_mapping")") --mapping "$fhir_mapping" --listen 127.0.0.1:0
fhir_base="http://$listening"
echo "adapter-fhir listening on $fhir_base"
echo "== a FHIR client posts a referral and a transaction Bundle"
/usr/bin/python3 "$demo/post_fhir.py" "$fhir_base" "$demo/samples/hosp-general-referral.json" \
  "$demo/samples/hosp-general-bundle.json" || {
  echo "a FHIR request was not accepted; see $run/logs/adapter-fhir.log" >&2
  exit 1
}

echo "== waiting until every delivery is acked"
acked=0
for _ in $(seq 1 300); do
  if "$bin/hubctl" pending --config "$config" | grep -qx "total 0"; then acked=1; break; fi
  sleep 0.1
done
if [ "$acked" = 1 ]; then
  echo
  echo "== who else is involved: the district nurse asks about Margaret Ellison (9990000018)"
  "$bin/hubctl" involvement 9990000018 --as dn-central --purpose direct-care \
    --admin "$(cat "$run/admin")"
fi
if [ "$hold" = 1 ] && [ "$acked" = 1 ]; then
  echo "region running; ops dashboard: http://$(cat "$run/admin")/ (Ctrl-C stops it)"
  echo "the hospital's MLLP listener: $mllp_address   its FHIR endpoint: $fhir_base"
  while sleep 1; do :; done
fi
stop_all
[ "$acked" = 1 ] || { echo "deliveries still unacked after 30 s:" >&2; "$bin/hubctl" pending --config "$config" >&2; exit 1; }

echo
echo "== involvement alerts: a child on a protection plan (9990000069) attended the hospital"
# The sinks' inboxes hold the alert to children's social care and the notice to the
# hospital, as delivered; a child with no plan (9990000077) raised neither.
for agency in csc-county hosp-general; do
  /usr/bin/python3 - "$run/inbox/$agency/deliveries.jsonl" "$agency" <<'PY'
import json, sys
path, agency = sys.argv[1], sys.argv[2]
found = False
with open(path) as lines:
    for line in lines:
        delivery = json.loads(line)
        record = delivery["record"]
        kind = record["record_type"]
        if not kind.startswith("involvement."):
            continue
        found = True
        fields = {f["name"]: f.get("text", "") for s in record.get("sections", [])
                  for f in s.get("fields", [])}
        if kind == "involvement.alert":
            print(f"{agency} alerted: {fields['Sender name']} sent {fields['Record type']} "
                  f"{fields['Record']} (rule {fields['Rule']})")
        else:
            print(f"{agency} told whom to call: {fields['Agency name']}, {fields['Contact']} "
                  f"({fields['Relationship']}; rule {fields['Rule']})")
if not found:
    sys.exit(f"check failed: no involvement alert or notice in {path}")
PY
done
echo
echo "== disclosures"
"$bin/hubctl" disclosures --config "$config"
echo
echo "inboxes: $run/inbox/<agency>/deliveries.jsonl   logs: $run/logs/"
