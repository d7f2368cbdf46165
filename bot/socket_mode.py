"""Bolt's Socket Mode handler, on a connection that reads a big event in linear time and
says when it comes back after being lost: Slack delivers nothing while no connection is
open, so what was posted meanwhile has to be read from history. Slack's own refreshes (a
new connection opened while the old one still works) lose nothing and say nothing.

The connection is slack_sdk's websocket-client one: slack_sdk's builtin client
reassembles a message in quadratic time and recursively (a 2 MB event raised
RecursionError and dropped the connection) and reads no continuation frames;
websocket-client reads a frame in one pass, and here joins continuation frames in one
buffer (bench/socket_mode.py has the figures). Proxies come from the environment, as
for the Web API client: websocket-client reads the same variables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.websocket_client import SocketModeClient
from websocket import ABNF, WebSocket, WebSocketApp, continuous_frame

PING_EVERY = 10.0  # seconds between our pings (slack_sdk's default)
PONG_WITHIN = 5.0  # seconds: a connection whose pong is later than this is lost


class JoinedFrames(continuous_frame):
    """A message's continuation frames joined in one growing buffer: websocket-client's
    own joining copies the message so far for each frame, quadratic in small frames."""

    def add(self, frame: ABNF) -> None:
        super().add(frame)  # the first frame's data starts the message, the rest extend it
        assert self.cont_data is not None
        if not frame.fin and not isinstance(self.cont_data[1], bytearray):
            self.cont_data[1] = bytearray(self.cont_data[1])


class ReturningConnection(SocketModeClient):
    """slack_sdk's websocket-client connection, changed where it fell short.

    It calls `came_back` once a new connection opens after one was lost (closed by
    Slack or the network, or silent past `PONG_WITHIN`), but not after a refresh, where
    slack_sdk itself replaces a connection that still works.

    It reads each message in linear time: as bytes, decoded once, since
    websocket-client's own UTF-8 check is a Python loop over every byte (about 0.2 s a
    megabyte) and decoding rejects what that check would; and its continuation frames
    `JoinedFrames`.

    It never replaces a session before running it, never runs an ended one again on its
    used-up URL, and closes each session's socket once the session ends."""

    def __init__(self, came_back: Callable[[], None], **options: Any) -> None:
        super().__init__(ping_interval=PING_EVERY, **options)
        self._came_back = came_back
        self._state = threading.Lock()
        self._opened: set[WebSocketApp] = set()  # sessions whose handshake succeeded
        self._lost = False  # a connection was lost and none has opened since
        self._started: WebSocketApp | None = None  # the session last run
        self._reader: WebSocket | None = None  # its socket, once it opened
        self.on_open_listeners.append(self._on_open)

    def connect(self) -> None:
        """Replace the current session. If it had opened and is gone already, it was
        lost; if it still works, this is a refresh (or the first connection)."""
        previous = self.current_session
        with self._state:
            if previous is not None and previous in self._opened:
                self._lost = self._lost or previous.sock is None
                self._opened.discard(previous)
        super().connect()

    def is_connected(self) -> bool:
        """Connected, or about to be: a session just made is run within half a second,
        and replacing it before (as slack_sdk's checks would, at the first connection
        and after a refresh) leaves a connection open that nothing reads."""
        session = self.current_session
        return session is not None and (session.sock is not None or session is not self._started)

    def _monitor_current_session(self) -> None:
        if not self.is_connected():
            super()._monitor_current_session()  # type: ignore[no-untyped-call]

    def enqueue_message(self, message: str | bytes | bytearray) -> None:
        if not isinstance(message, str):
            message = message.decode("utf-8")
        super().enqueue_message(message)

    def _on_open(self, session: WebSocketApp) -> None:
        """Before the session reads its first frame: join its frames in one buffer, and
        say the connection is back if one was lost."""
        reader = self._reader = session.sock
        if reader is not None:
            reader.cont_frame = JoinedFrames(False, skip_utf8_validation=True)
        with self._state:
            self._opened.add(session)
            came_back, self._lost = self._lost, False
        if came_back:
            self._came_back()

    def _run_current_session(self) -> None:
        """slack_sdk's loop over the current session, reading without websocket-client's
        per-byte UTF-8 check, with a pong deadline so that a connection gone silent is
        found lost (slack_sdk's own sets none, and would wait on it forever), and the
        socket closed once the session ends."""
        session = self.current_session
        if session is None or session is self._started:
            return  # an ended session is not run again: its URL is used up, and the
            # monitor asks for a new one
        self._started = session
        try:
            session.run_forever(
                ping_interval=self.ping_interval,
                ping_timeout=PONG_WITHIN,
                skip_utf8_validation=True,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
        except Exception:
            self.logger.exception("the Socket Mode connection failed")
            session.close()
        finally:
            # websocket-client answers Slack's close frame but leaves the TCP connection
            # open, and Slack's side waits on it (the fake's hang_up, ten seconds)
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.shutdown()  # type: ignore[no-untyped-call]


class SocketMode(SocketModeHandler):
    """Bolt's websocket-client `SocketModeHandler`, its client a `ReturningConnection`
    (made here rather than replaced after, since a client starts its threads when it is
    made)."""

    def __init__(self, app: App, app_token: str, came_back: Callable[[], None]) -> None:
        self.app = app
        self.app_token = app_token
        self.client = ReturningConnection(
            came_back, app_token=app_token, logger=app.logger, web_client=app.client
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def connect(self) -> None:
        super().connect()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        super().close()  # type: ignore[no-untyped-call]
