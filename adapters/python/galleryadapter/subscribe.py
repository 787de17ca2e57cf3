"""Subscribe mode: each delivery appended to a JSON-lines file, synced, then acked.

Deliveries are at-least-once, so a record id already in the file is acked without being
written again; the ids are read back from the file at start, so this holds across runs.
"""
import json
import os
import signal
import sys
import time

from gallery.v1 import wire_pb2

from galleryadapter.records_json import record_json

ACK_BATCH = 256
WINDOW = 500


class Inbox:
    """The output file: one {"delivery_id", "rule_ids", "record"} object per line."""

    def __init__(self, path):
        self.path = path
        self.seen = set()
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, start=1):
                    try:
                        self.seen.add(json.loads(line)["record"]["record_id"])
                    except (ValueError, KeyError, TypeError):
                        raise ValueError("%s:%d: not a delivery line; is --out another "
                                         "file?" % (path, number)) from None
        self.file = open(path, "a", encoding="utf-8")
        self.written = self.repeats = 0

    def add(self, deliver):
        record_id = deliver.record.record_id
        if record_id in self.seen:
            self.repeats += 1
            return
        self.seen.add(record_id)
        self.written += 1
        self.file.write(json.dumps({"delivery_id": deliver.delivery_id,
                                    "rule_ids": list(deliver.rule_ids),
                                    "record": record_json(deliver.record)},
                                   ensure_ascii=False) + "\n")

    def sync(self):
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.sync()
        self.file.close()


def subscribe(connection, inbox, seconds=None, idle_s=None):
    """Takes deliveries until SIGTERM/SIGINT, `seconds` in all, or `idle_s` without one."""
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    start = last_delivery = time.monotonic()
    to_ack = []
    while not stopping:
        now = time.monotonic()
        if seconds is not None and now - start >= seconds:
            break
        if idle_s is not None and now - last_delivery >= idle_s:
            break
        if connection.take_new_session():
            to_ack.clear()  # unacked deliveries come again on the new subscription
            frame = wire_pb2.Frame()
            frame.subscribe.window = WINDOW
            connection.send(frame)
        frame = connection.recv(0.2)
        kind = frame.WhichOneof("body") if frame is not None else None
        if kind in ("deliver", "deliver_batch"):
            deliveries = [frame.deliver] if kind == "deliver" else frame.deliver_batch.deliveries
            for deliver in deliveries:
                inbox.add(deliver)
                to_ack.append(deliver.delivery_id)
            last_delivery = time.monotonic()
        elif kind == "reject":
            print("the hub refused a frame: %s: %s" % (
                wire_pb2.Code.Name(frame.reject.code), frame.reject.reason), file=sys.stderr)
        if to_ack and (frame is None or len(to_ack) >= ACK_BATCH):
            _ack(connection, inbox, to_ack)
    if to_ack:
        _ack(connection, inbox, to_ack)


def _ack(connection, inbox, to_ack):
    inbox.sync()  # an acked delivery is never sent again: it must be on disk first
    frame = wire_pb2.Frame()
    frame.ack.delivery_ids.extend(to_ack)
    connection.send(frame)
    to_ack.clear()
