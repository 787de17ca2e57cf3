"""One DEALER socket to the hub and its session: Hello/Welcome, heartbeats, reconnection.

The protocol is proto/README.md's; this is its Python client's Connection, bounded in time
and telling a refused key apart from a hub that is away.
"""
import sys
import time

import zmq
import zmq.utils.monitor

from gallery.v1 import wire_pb2

PROTOCOL_VERSION = 1
CLIENT_NAME = "gallery-adapter.py/1"
SESSION_REFUSED = {wire_pb2.UNAUTHENTICATED, wire_pb2.INVALID_ARGUMENT}
HANDSHAKE_FAILED = (zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
                    | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL)
# A handshake cut short without detail is what a wrong hub key gives at every reconnect,
# but also what a hub stopping mid-handshake gives once.
NO_DETAIL_FAILURES_BEFORE_GIVING_UP = 3


class SessionRefused(Exception):
    """The hub will not give this agency a session; retrying cannot help."""


class HubUnreachable(Exception):
    """No Welcome from the hub within the connect timeout."""


class Connection:
    """After every new session (`take_new_session()` returns True once) the caller must
    resend everything the hub has not confirmed, and its Subscribe."""

    def __init__(self, endpoint, agency, curve_keys, connect_timeout_s=30.0):
        self.endpoint, self.agency = endpoint, agency
        self.curve_keys = curve_keys  # (hub public, our public, our secret), Z85 bytes
        self.connect_timeout_s = connect_timeout_s
        self.context = zmq.Context.instance()
        self.socket = self.monitor = None
        self.new_session = False
        self.connect()

    def close(self, linger_ms=0):
        """Closes the socket; frames still queued are sent for up to linger_ms."""
        if self.monitor is not None:
            self.socket.disable_monitor()
            self.monitor.close(linger=0)
            self.monitor = None
        if self.socket is not None:
            self.socket.close(linger=linger_ms)
            self.socket = None

    def connect(self):
        """A new socket and session; raises HubUnreachable or SessionRefused."""
        deadline = time.monotonic() + self.connect_timeout_s
        self.handshake_failures = 0
        while True:
            self.close()
            self.socket = self.context.socket(zmq.DEALER)
            self.socket.setsockopt(zmq.LINGER, 0)
            server_key, public_key, secret_key = self.curve_keys
            self.socket.curve_serverkey = server_key
            self.socket.curve_publickey = public_key
            self.socket.curve_secretkey = secret_key
            # A refused key shows only here: the hub reads nothing from such a connection.
            self.monitor = self.socket.get_monitor_socket(HANDSHAKE_FAILED)
            self.socket.connect(self.endpoint)
            try:
                return self.hello(min(5.0, max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise HubUnreachable("no Welcome from %s within %.0f s" % (
                        self.endpoint, self.connect_timeout_s)) from None
                print("no Welcome from %s; connecting again" % self.endpoint, file=sys.stderr)

    def check_handshake(self):
        """Raises SessionRefused when the CURVE handshake was refused."""
        while self.monitor is not None and self.monitor.poll(0):
            event = zmq.utils.monitor.recv_monitor_message(self.monitor)
            if event["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                raise SessionRefused(
                    "the hub refused this agency's key (CURVE handshake, status %d): is its "
                    ".pub in the hub's key folder, and --hub-key the hub's?" % event["value"])
            self.handshake_failures += 1
            if (event["event"] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
                    or self.handshake_failures >= NO_DETAIL_FAILURES_BEFORE_GIVING_UP):
                raise SessionRefused("the CURVE handshake with %s failed: is --hub-key the "
                                     "hub's public key?" % self.endpoint)

    def hello(self, timeout_s):
        frame = wire_pb2.Frame()
        frame.hello.agency = self.agency
        frame.hello.protocol_version = PROTOCOL_VERSION
        frame.hello.client_name = CLIENT_NAME
        self.send(frame)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.socket.poll(100):
                self.check_handshake()
                continue
            reply = wire_pb2.Frame.FromString(self.socket.recv())
            kind = reply.WhichOneof("body")
            if kind == "welcome":
                welcome = reply.welcome
                self.heartbeat_s = welcome.heartbeat_interval_ms / 1000
                self.silence_s = welcome.session_timeout_ms / 1000
                self.max_frame_bytes = welcome.max_frame_bytes
                self.last_heard = time.monotonic()
                self.new_session = True
                return
            r = reply.reject
            if kind == "reject" and r.sequence == 0 and r.code in SESSION_REFUSED:
                raise SessionRefused("the hub refused the session: %s: %s" % (
                    wire_pb2.Code.Name(r.code), r.reason))
            # Anything else answers frames sent before this Hello; they are resent anyway.
        raise TimeoutError

    def take_new_session(self):
        new, self.new_session = self.new_session, False
        return new

    def send(self, frame):
        try:  # one ZeroMQ frame per message
            self.socket.send(frame.SerializeToString(), zmq.NOBLOCK)
        except zmq.Again:
            pass  # queue full (hub away): the caller resends what is unanswered
        self.last_sent = time.monotonic()

    def recv(self, timeout_s):
        """The next frame other than a heartbeat, or None after timeout_s."""
        deadline = time.monotonic() + timeout_s
        while True:
            if time.monotonic() - self.last_sent >= self.heartbeat_s:
                heartbeat = wire_pb2.Frame()
                heartbeat.heartbeat.SetInParent()
                self.send(heartbeat)
            wait_s = min(deadline, self.last_sent + self.heartbeat_s) - time.monotonic()
            if not self.socket.poll(max(0, int(wait_s * 1000))):
                # Silence is judged only once nothing is waiting to be read.
                if time.monotonic() - self.last_heard > self.silence_s:
                    print("hub silent for %.1f s; reconnecting" % self.silence_s,
                          file=sys.stderr)
                    self.connect()  # the hub is gone or restarted: new socket, new session
                elif time.monotonic() >= deadline:
                    return None
                continue
            frame = wire_pb2.Frame.FromString(self.socket.recv())
            self.last_heard = time.monotonic()
            kind = frame.WhichOneof("body")
            if kind == "heartbeat":
                continue
            if kind == "reject" and frame.reject.code == wire_pb2.FAILED_PRECONDITION:
                try:
                    self.hello(5.0)  # the hub lost our session (restart, or we were silent)
                except TimeoutError:
                    self.connect()
                continue
            return frame
