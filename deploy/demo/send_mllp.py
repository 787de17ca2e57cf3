#!/usr/bin/env python3
"""The hospital's patient administration system, as far as the demo needs it: sends each HL7 v2
message of a file over MLLP, one after the other on one connection, and checks that each is
answered with an accept acknowledgement (MSA-1 AA).

    send_mllp.py HOST:PORT FILE.hl7

Messages in the file start at each MSH segment; segments may end with CR, LF or CRLF and are
sent ending with CR, as HL7 wants. Exits 1 on an AE or AR answer (printing its MSA), on no
answer within the timeout, or when the connection closes; 2 for usage errors.
"""
import re
import socket
import sys

START, END = b"\x0b", b"\x1c\x0d"
TIMEOUT_S = 15


def read_messages(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    segments = [s for s in re.split(r"\r\n|\r|\n", text) if s.strip()]
    messages = []
    for segment in segments:
        if segment.startswith("MSH"):
            messages.append([])
        elif not messages:
            raise ValueError(f"{path}: segment {segment[:3]!r} before the first MSH")
        messages[-1].append(segment)
    return ["\r".join(m) + "\r" for m in messages]


def read_frame(sock):
    buffer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the listener closed the connection without answering")
        buffer += chunk
        start = buffer.find(START)
        end = buffer.find(END, start + 1) if start >= 0 else -1
        if end >= 0:
            return buffer[start + 1:end].decode("utf-8", "replace")


def field(message, segment_name, index):
    """Field `index` (HL7 numbering: MSH-10, MSA-1) of the first segment named so, or ''."""
    separator = message[3] if len(message) > 3 else "|"
    # In MSH the separator itself is MSH-1, so the split is one place behind.
    position = index - 1 if segment_name == "MSH" else index
    for segment in re.split(r"\r|\n", message):
        if segment.startswith(segment_name + separator):
            fields = segment.split(separator)
            return fields[position] if position < len(fields) else ""
    return ""


def main(argv):
    if len(argv) != 3 or ":" not in argv[1]:
        print("usage: send_mllp.py HOST:PORT FILE.hl7", file=sys.stderr)
        return 2
    host, port = argv[1].rsplit(":", 1)
    try:
        messages = read_messages(argv[2])
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"send_mllp.py: {error}", file=sys.stderr)
        return 2
    if not messages:
        print(f"send_mllp.py: {argv[2]}: no MSH segment, so no message to send", file=sys.stderr)
        return 2
    try:
        sock = socket.create_connection((host, int(port)), timeout=TIMEOUT_S)
    except (OSError, ValueError) as error:
        print(f"send_mllp.py: cannot connect to {argv[1]}: {error}", file=sys.stderr)
        return 1
    with sock:
        for number, message in enumerate(messages, 1):
            control_id = field(message, "MSH", 10)
            kind = field(message, "MSH", 9)
            try:
                sock.sendall(START + message.encode("utf-8") + END)
                answer = read_frame(sock)
            except OSError as error:
                print(f"message {number} ({kind}, control {control_id}): no answer: {error}",
                      file=sys.stderr)
                return 1
            code = field(answer, "MSA", 1)
            msa = next((s for s in re.split(r"\r|\n", answer) if s.startswith("MSA")), "no MSA")
            if code != "AA" or field(answer, "MSA", 2) != control_id:
                print(f"message {number} ({kind}, control {control_id}): not accepted: {msa}",
                      file=sys.stderr)
                return 1
            print(f"message {number} ({kind}, control {control_id}): {msa}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
