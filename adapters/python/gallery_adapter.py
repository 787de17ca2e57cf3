#!/usr/bin/env python3
"""gallery_adapter.py: an agency's JSON-lines export to a Gallery hub, and back.

  gallery_adapter.py publish --hub ENDPOINT --agency AGENCY --key FILE --hub-key FILE
                     [--rejects FILE] [--timeout S] [INPUT.jsonl | -]
  gallery_adapter.py subscribe --hub ENDPOINT --agency AGENCY --key FILE --hub-key FILE
                     --out FILE.jsonl [--seconds S] [--idle S]

The record shape and exit codes are in adapters/python/README.md. Needs the Python code
protoc generates from proto/ on PYTHONPATH.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in an installed or checked-out tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from galleryadapter.connection import Connection, HubUnreachable, SessionRefused  # noqa: E402
from galleryadapter.keys import KeyFileError, load_client_keys  # noqa: E402
from galleryadapter.publish import RejectsFile, publish  # noqa: E402
from galleryadapter.subscribe import Inbox, subscribe  # noqa: E402

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_UNCONFIRMED = 0, 1, 2, 3
FLUSH_ON_CLOSE_MS = 2000  # time for the last acks to leave before the socket closes


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="gallery_adapter.py", description=__doc__.split("\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    for name in ("publish", "subscribe"):
        mode = modes.add_parser(name)
        mode.add_argument("--hub", required=True, help="the hub's endpoint, tcp://HOST:PORT")
        mode.add_argument("--agency", required=True, help="this agency's id in the hub's config")
        mode.add_argument("--key", required=True, help="this agency's secret key file (AGENCY.key)")
        mode.add_argument("--hub-key", required=True, help="the hub's public key file (hub.pub)")
        mode.add_argument("--connect-timeout", type=float, default=30.0, metavar="S",
                          help="give up when the hub has not answered in S seconds (30)")
        if name == "publish":
            mode.add_argument("input", nargs="?", default="-",
                              help="JSON-lines file, or - for standard input (the default)")
            mode.add_argument("--rejects", metavar="FILE",
                              help="append one JSON line per refused input line here")
            mode.add_argument("--timeout", type=float, default=60.0, metavar="S",
                              help="give up on records unconfirmed after S seconds (60)")
        else:
            mode.add_argument("--out", required=True, metavar="FILE",
                              help="JSON-lines file the deliveries are appended to")
            mode.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds")
            mode.add_argument("--idle", type=float, metavar="S",
                              help="stop after S seconds without a delivery")
    return parser.parse_args(argv)


def run_publish(args, connection):
    source = "<stdin>" if args.input == "-" else args.input
    rejects = RejectsFile(args.rejects)
    try:
        if args.input == "-":
            tally = publish(connection, sys.stdin, source, rejects, args.timeout)
        else:
            with open(args.input, encoding="utf-8") as lines:
                tally = publish(connection, lines, source, rejects, args.timeout)
    finally:
        rejects.close()
    rejected = tally.rejected_here + tally.rejected_by_hub
    summary = "%s: %d records: %d confirmed (%d duplicates), %d rejected (%d by the hub)" % (
        source, tally.lines, tally.confirmed, tally.duplicates, rejected, tally.rejected_by_hub)
    if tally.unconfirmed:
        summary += ", %d unconfirmed" % tally.unconfirmed
    print(summary)
    if tally.unconfirmed:
        return EXIT_UNCONFIRMED
    return EXIT_REJECTED if rejected else EXIT_OK


def run_subscribe(args, connection):
    inbox = Inbox(args.out)
    try:
        subscribe(connection, inbox, seconds=args.seconds, idle_s=args.idle)
    finally:
        inbox.close()
    print("%s: %d deliveries written, %d repeats acked" % (args.out, inbox.written, inbox.repeats))
    return EXIT_OK


def main(argv):
    args = parse_args(argv)
    try:
        keys = load_client_keys(args.key, args.hub_key)
        if args.mode == "subscribe":
            Inbox(args.out).close()  # a wrong --out is a usage error, found before connecting
    except (KeyFileError, ValueError, OSError) as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    try:
        connection = Connection(args.hub, args.agency, keys, args.connect_timeout)
    except SessionRefused as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_REJECTED
    except HubUnreachable as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_UNCONFIRMED
    try:
        if args.mode == "publish":
            return run_publish(args, connection)
        return run_subscribe(args, connection)
    except OSError as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    except SessionRefused as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_REJECTED
    except HubUnreachable as e:
        print("gallery_adapter.py: %s" % e, file=sys.stderr)
        return EXIT_UNCONFIRMED
    finally:
        connection.close(FLUSH_ON_CLOSE_MS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
