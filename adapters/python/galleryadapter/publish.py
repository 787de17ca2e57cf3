"""Publish mode: each JSON line becomes a Record, published until the hub confirms it.

Sequence numbers are line numbers, so every answer names its line. At most WINDOW records
are unanswered at once (below ZeroMQ's default send queue of 1,000); a record unanswered
for RESEND_AFTER_S, or outstanding when a new session starts, is sent again: the hub
confirms a record_id it already holds as a duplicate.
"""
import json
import sys
import time

from gallery.v1 import wire_pb2

from galleryadapter.records_json import FieldError, parse_record

WINDOW = 500
RESEND_AFTER_S = 5.0
RETRY_LATER = {wire_pb2.UNAVAILABLE, wire_pb2.RESOURCE_EXHAUSTED}


class Tally:
    def __init__(self):
        self.lines = self.confirmed = self.duplicates = 0
        self.rejected_here = self.rejected_by_hub = self.unconfirmed = 0


class RejectsFile:
    """One JSON object per refused line: where, what and why, never the line's content."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8") if path else None

    def write(self, entry):
        if self.file is not None:
            self.file.write(json.dumps(entry, sort_keys=True) + "\n")
            self.file.flush()

    def close(self):
        if self.file is not None:
            self.file.close()


def _records(lines, agency, source, rejects, tally):
    """(line number, Publish frame) of each good line; bad lines go to the rejects file."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        tally.lines += 1
        try:
            frame = wire_pb2.Frame()
            frame.publish.sequence = number
            frame.publish.record.CopyFrom(parse_record(line, agency))
        except FieldError as e:
            tally.rejected_here += 1
            print("%s:%d: %s: %s" % (source, number, e.field, e.message), file=sys.stderr)
            rejects.write({"line": number, "by": "adapter", "field": e.field,
                           "reason": e.message})
            continue
        yield number, frame


def publish(connection, lines, source, rejects, timeout_s):
    """Publishes every good line of `lines`; returns the Tally. Blocks up to timeout_s."""
    tally = Tally()
    pending = _records(lines, connection.agency, source, rejects, tally)
    unanswered = {}  # line number -> [Publish frame, when last sent]
    connection.take_new_session()  # the first session: nothing to resend yet
    deadline = time.monotonic() + timeout_s
    exhausted = False
    while (unanswered or not exhausted) and time.monotonic() < deadline:
        while not exhausted and len(unanswered) < WINDOW:
            entry = next(pending, None)
            if entry is None:
                exhausted = True
                break
            number, frame = entry
            size = frame.ByteSize()
            if size > connection.max_frame_bytes:
                tally.rejected_here += 1
                reason = "record of %d bytes exceeds the hub's max_frame_bytes (%d)" % (
                    size, connection.max_frame_bytes)
                print("%s:%d: %s" % (source, number, reason), file=sys.stderr)
                rejects.write({"line": number, "by": "adapter", "field": "(record)",
                               "record_id": frame.publish.record.record_id, "reason": reason})
                continue
            unanswered[number] = [frame, time.monotonic()]
            connection.send(frame)
        frame = connection.recv(0.2)
        now = time.monotonic()
        resend_all = connection.take_new_session()
        for entry in unanswered.values():
            if resend_all or now - entry[1] > RESEND_AFTER_S:
                connection.send(entry[0])
                entry[1] = now
        if frame is None:
            continue
        kind = frame.WhichOneof("body")
        if kind == "confirm":
            _confirmed(frame.confirm, unanswered, tally)
        elif kind == "confirm_batch":
            for confirm in frame.confirm_batch.confirms:
                _confirmed(confirm, unanswered, tally)
        elif kind == "reject":
            _rejected(frame.reject, unanswered, tally, source, rejects, now)
    tally.unconfirmed = len(unanswered) + sum(1 for _ in pending)
    return tally


def _confirmed(confirm, unanswered, tally):
    if unanswered.pop(confirm.sequence, None) is not None:  # a resent copy's is ignored
        tally.confirmed += 1
        tally.duplicates += confirm.duplicate


def _rejected(reject, unanswered, tally, source, rejects, now):
    code = wire_pb2.Code.Name(reject.code)
    if reject.sequence == 0:
        print("%s: the hub refused a frame: %s: %s" % (source, code, reject.reason),
              file=sys.stderr)
        return
    if reject.sequence not in unanswered:
        return
    if reject.code in RETRY_LATER:
        unanswered[reject.sequence][1] = now  # sent again after RESEND_AFTER_S
        return
    # INVALID_ARGUMENT, PERMISSION_DENIED: the record must change before it is sent again.
    del unanswered[reject.sequence]
    tally.rejected_by_hub += 1
    reason = reject.reason.replace("\n", "; ")
    print("%s:%d: record %s rejected by the hub (%s): %s" % (
        source, reject.sequence, reject.record_id, code, reason), file=sys.stderr)
    rejects.write({"line": reject.sequence, "by": "hub", "code": code,
                   "record_id": reject.record_id, "reason": reject.reason})
