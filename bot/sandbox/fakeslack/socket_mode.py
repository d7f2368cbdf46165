"""Slack's side of Socket Mode: the WebSocket endpoint that apps.connections.open points
the bot at (hello, then envelopes out and acks back), and the direct hand-over that gives
each envelope straight to a Bolt app's `dispatch` instead (`deliver_to(AppReceiver(app))`),
for tests that need no socket. Either way it records each ack (checked as a message when
it carries a payload), how many times, and when each envelope went out and came back.
Like Slack, it takes each connection URL's ticket once, can hang up and refuse
connections as when an app is being shut down, and can split a big message into
continuation frames."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from .spec import payload_problems
from .workspace import APP_ID, Workspace

# What an app answers an envelope with: whether it acked, and the ack's payload.
Receiver = Callable[[dict[str, Any]], tuple[bool, dict[str, Any] | None]]


class AppReceiver:
    """Slack's side of Socket Mode without the socket: each envelope's payload goes to a
    Bolt app's `dispatch` as slack_bolt's Socket Mode adapter hands it over, and the
    answer becomes the ack as that adapter would send it (none for a failed dispatch)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(self, envelope: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
        headers: dict[str, str | Sequence[str]] = {}
        if envelope.get("retry_attempt") is not None:
            headers["x-slack-retry-num"] = str(envelope["retry_attempt"])
        if envelope.get("retry_reason") is not None:
            headers["x-slack-retry-reason"] = str(envelope["retry_reason"])
        request = BoltRequest(mode="socket_mode", body=envelope["payload"], headers=headers or None)
        answer = self.app.dispatch(request)
        if answer.status != 200:
            return False, None
        if not answer.body:
            return True, None
        content_type = (answer.headers.get("content-type") or [""])[0]
        if content_type.startswith("application/json"):
            return True, json.loads(answer.body)
        return True, {"text": answer.body}


class SocketMode:
    """The endpoint and its acks; `ack_timeout` is how long a sender waits for an ack."""

    def __init__(self, workspace: Workspace, ack_timeout: float) -> None:
        self._workspace = workspace
        self._changed = workspace.changed
        self.acks: dict[str, dict[str, Any] | None] = {}
        self.ack_counts: Counter[str] = Counter()  # an envelope acked twice counts 2
        # when each envelope went out and when its ack came back (time.perf_counter())
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.ack_timeout = ack_timeout
        self.refusing_connections = False
        # None: each message in one frame; a number: a longer message goes out as frames
        # of that many characters, the first and then continuation frames
        self.frame_size: int | None = None
        self._tickets: set[str] = set()  # handed out by `url`, not yet used
        self._sockets: list[ServerConnection] = []
        self._receiver: Receiver | None = None
        self._receiving: ThreadPoolExecutor | None = None
        self._server: Server = serve(self._session, "127.0.0.1", 0, process_request=self._admit)

    @property
    def url(self) -> str:
        """A new connection URL, good for one connection (apps.connections.open's)."""
        host, port = self._server.socket.getsockname()[:2]
        ticket = str(uuid.uuid4())
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{host}:{port}/link/?ticket={ticket}"

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._sockets)

    @property
    def connected(self) -> bool:
        """Whether an envelope sent now would reach the app."""
        with self._changed:
            return bool(self._sockets) or self._receiver is not None

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def finish_hand_overs(self) -> None:
        """Wait for envelopes handed over without waiting for their ack."""
        if self._receiving is not None:
            self._receiving.shutdown(wait=True)

    def shutdown(self) -> None:
        self._server.shutdown()

    def deliver_to(self, receiver: Receiver | None) -> None:
        """Hand every envelope to `receiver` (say, `AppReceiver(app)`) instead of over a
        Socket Mode connection: what the app acks is recorded as over the socket. None
        goes back to the socket."""
        with self._changed:
            self._receiver = receiver
            if receiver is not None and self._receiving is None:
                self._receiving = ThreadPoolExecutor(10, thread_name_prefix="fake-slack-envelope")
            self._changed.notify_all()

    def wait_for_connection(self, timeout: float = 10.0) -> None:
        if self._receiver is not None:
            return
        if not self._workspace.wait_for(lambda: bool(self._sockets), timeout):
            raise AssertionError("the bot never opened a Socket Mode connection")

    def hang_up(self) -> None:
        """Close every Socket Mode connection from Slack's side and refuse new ones, as
        Slack does when an app is being shut down; the bot then stops without waiting
        for its socket reads to time out."""
        with self._changed:
            self.refusing_connections = True
            sockets = list(self._sockets)
        for socket in sockets:
            socket.close()

    def refresh(self, timeout: float = 10.0) -> None:
        """Ask the app to move to a new connection, as Slack does every few hours: a
        `disconnect` message on the newest connection, which still works meanwhile;
        returns once the app has opened a new one and closed the old."""
        self.wait_for_connection()
        with self._changed:
            old = self._sockets[-1]
        message = {"type": "disconnect", "reason": "refresh_requested", "debug_info": {}}
        old.send(json.dumps(message))
        if not self._workspace.wait_for(lambda: self._sockets[-1:] not in ([], [old]), timeout):
            raise AssertionError("the app never opened a new Socket Mode connection")
        if not self._workspace.wait_for(lambda: old not in self._sockets, timeout):
            raise AssertionError("the app kept its old Socket Mode connection open")

    def deliver(self, envelope: dict[str, Any], wait_ack: bool) -> str:
        """Send `envelope` to the app, over the newest connection or by hand-over, and
        (with `wait_ack`) wait for its ack; returns its envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope["envelope_id"] = envelope_id
        self.wait_for_connection()
        receiver = self._receiver
        if receiver is not None:
            return self._hand_over(receiver, envelope, wait_ack)
        with self._changed:
            self.acks.pop(envelope_id, None)
            socket = self._sockets[-1]
            self.sent_at[envelope_id] = time.perf_counter()
        socket.send(self._framed(json.dumps(envelope)))
        if wait_ack and not self._workspace.wait_for(
            lambda: envelope_id in self.acks, self.ack_timeout
        ):
            raise AssertionError(f"no ack for {envelope['type']} envelope within the time limit")
        return envelope_id

    def _framed(self, message: str) -> str | Iterator[str]:
        """`message` whole, or in pieces of `frame_size` that websockets sends as one
        fragmented message."""
        size = self.frame_size
        if size is None or len(message) <= size:
            return message
        return (message[start : start + size] for start in range(0, len(message), size))

    def _hand_over(self, receiver: Receiver, envelope: dict[str, Any], wait_ack: bool) -> str:
        envelope_id = str(envelope["envelope_id"])
        with self._changed:
            self.acks.pop(envelope_id, None)
            self.sent_at[envelope_id] = time.perf_counter()
        if not wait_ack:
            assert self._receiving is not None
            self._receiving.submit(self._receive, receiver, envelope)
            return envelope_id
        self._receive(receiver, envelope)
        if envelope_id not in self.acks:
            raise AssertionError(f"no ack for {envelope['type']} envelope within the time limit")
        return envelope_id

    def _receive(self, receiver: Receiver, envelope: dict[str, Any]) -> None:
        acked, payload = receiver(envelope)
        if acked:
            self._record_ack(str(envelope["envelope_id"]), payload)

    def _record_ack(self, envelope_id: str, payload: Any) -> None:
        problems = payload_problems("ack", payload) if isinstance(payload, dict) else []
        with self._changed:
            self._workspace.violations.extend(problems)
            self.acks[envelope_id] = payload
            self.ack_counts[envelope_id] += 1
            self.acked_at[envelope_id] = time.perf_counter()
            self._changed.notify_all()

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake while refusing connections, and for a ticket that was
        never handed out or was used already: a client must ask for a new URL."""
        ticket = request.path.partition("ticket=")[2]
        with self._changed:
            if not self.refusing_connections and ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(401, "invalid ticket\n")

    def _session(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets) + 1,
                    "connection_info": {"app_id": APP_ID},
                }
            )
        )
        with self._changed:
            self._sockets.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                ack = json.loads(raw)
                self._record_ack(ack["envelope_id"], ack.get("payload"))
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._sockets.remove(connection)
                self._changed.notify_all()
