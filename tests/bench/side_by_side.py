#!/usr/bin/env python3
"""Prints run.sh's side-by-side table of Gallery and its peers, and writes every median as JSON.

Reads run.sh's results file, one "COLUMN NAME VALUE" line per figure of each successful round,
where the side-by-side columns are SYSTEM@RATE (e.g. "rabbitmq@5000"): the latency figures
are taken at that offered rate, the others from the runs at the first rate, the only ones
with a full throughput phase.
"""
import argparse
import json
import statistics
from collections import defaultdict

SYSTEMS = [  # (column prefix, heading in two lines)
    ("gallery-durable", ("Gallery", "durable (journal)")),
    ("gallery-nosync", ("Gallery", "durability off")),
    ("rabbitmq", ("RabbitMQ", "persistent")),
    ("rabbitmq-transient", ("RabbitMQ", "transient")),
    ("forwarder", ("ZeroMQ", "forwarder")),
]
RATES = [5000, 10000]


def read(path):
    values = defaultdict(lambda: defaultdict(list))
    with open(path, encoding="utf-8") as results:
        for number, line in enumerate(results, 1):
            parts = line.split()
            if len(parts) != 3:
                continue
            try:
                values[parts[0]][parts[1]].append(float(parts[2]))
            except ValueError:
                raise SystemExit(f"side_by_side: {path}:{number}: not a number: {parts[2]!r}")
    return values


def median(samples):
    return statistics.median(samples) if samples else None


def system_samples(values, system, names):
    """The first of `names` that the system's runs at the first rate have."""
    column = values.get(f"{system}@{RATES[0]}", {})
    for name in names:
        if column.get(name):
            return column[name]
    return []


def cell(value, fmt):
    return "-" if value is None else fmt.format(value)


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()
    values = read(args.results)

    figures = {}  # system -> figure -> median
    for system, _ in SYSTEMS:
        f = figures[system] = {}
        f["records_per_s"] = median(system_samples(values, system, ["e2e_records_per_s"]))
        for rate in RATES:
            column = values.get(f"{system}@{rate}", {})
            for p in ("p50", "p99", "p999"):
                f[f"delivery_{p}_ms_at_{rate}"] = median(column.get(f"delivery_{p}_ms", []))
        f["server_cpu_s_per_100k"] = median(
            system_samples(values, system, ["hub_cpu_s_per_100k", "broker_cpu_s_per_100k"]))
        f["clients_cpu_s_per_100k"] = median(system_samples(values, system, ["bench_cpu_s_per_100k"]))
        f["server_peak_rss_mib"] = median(
            system_samples(values, system, ["hub_peak_rss_mib", "broker_peak_rss_mib"]))
    fsync = {p: median([v for rate in RATES
                        for v in values.get(f"gallery-durable@{rate}", {}).get(f"fdatasync_{p}_ms", [])])
             for p in ("p50", "p99")}
    ratios = {
        "gallery_durable_over_rabbitmq_persistent": ratio(
            figures["gallery-durable"]["records_per_s"], figures["rabbitmq"]["records_per_s"]),
        "gallery_nosync_over_forwarder": ratio(
            figures["gallery-nosync"]["records_per_s"], figures["forwarder"]["records_per_s"]),
    }

    if any(v is not None for f in figures.values() for v in f.values()):
        rows = [("end to end, records/s", "records_per_s", "{:.0f}")]
        for rate in RATES:
            for p, label in (("p50", "p50"), ("p99", "p99"), ("p999", "p99.9")):
                rows.append((f"at {rate}/s: delivery {label}, ms", f"delivery_{p}_ms_at_{rate}",
                             "{:.2f}"))
        rows += [
            ("server CPU s per 100k records", "server_cpu_s_per_100k", "{:.2f}"),
            ("clients' CPU s per 100k records", "clients_cpu_s_per_100k", "{:.2f}"),
            ("server peak resident, MiB", "server_peak_rss_mib", "{:.0f}"),
        ]
        print()
        print(f"== side by side: median of {args.rounds or '?'} round(s) per system and rate; "
              "server = hubd, beam.smp or the forwarder")
        for line in range(2):
            print(f"{'':34}" + "".join(f" {heading[line]:>18}" for _, heading in SYSTEMS))
        for label, key, fmt in rows:
            print(f"{label:34}" + "".join(f" {cell(figures[s][key], fmt):>18}" for s, _ in SYSTEMS))
        print(f"{'disk: fdatasync p50 / p99, ms':34} {cell(fsync['p50'], '{:.2f}')} / "
              f"{cell(fsync['p99'], '{:.2f}')}")
        for label, key, target in (
                ("records/s, Gallery durable / RabbitMQ persistent",
                 "gallery_durable_over_rabbitmq_persistent", 6.0),
                ("records/s, Gallery durability off / ZeroMQ forwarder", "gallery_nosync_over_forwarder",
                 0.40)):
            r = ratios[key]
            verdict = "no figure" if r is None else ("met" if r >= target else "NOT MET")
            print(f"{label:58} {cell(r, '{:.2f}'):>8} (target >= {target:.2f}) {verdict}")

    if args.json:
        document = {
            "rounds": args.rounds,
            "medians": {column: {name: median(samples) for name, samples in sorted(names.items())}
                        for column, names in sorted(values.items())},
            "side_by_side": figures,
            "ratios": ratios,
            "fdatasync_ms": fsync,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, sort_keys=True)
            out.write("\n")
        print(f"side_by_side: medians written to {args.json}")


if __name__ == "__main__":
    main()
