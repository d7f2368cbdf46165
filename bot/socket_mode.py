"""Bolt's Socket Mode handler, on a connection that says when it comes back after being
lost: Slack delivers nothing while no connection is open, so what was posted meanwhile
has to be read from history. Slack's own refreshes (a new connection opened while the
old one still works) lose nothing and say nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient


class ReturningConnection(SocketModeClient):
    def __init__(self, came_back: Callable[[], None], **options: Any) -> None:
        super().__init__(**options)
        self._came_back = came_back

    def connect(self) -> None:
        lost = self.current_session is not None and not self.current_session.is_active()
        super().connect()
        if lost:
            self._came_back()


class SocketMode(SocketModeHandler):
    """`SocketModeHandler`, its client a `ReturningConnection` (made here rather than
    replaced after, since a client starts its threads when it is made)."""

    def __init__(self, app: App, app_token: str, came_back: Callable[[], None]) -> None:
        self.app = app
        self.app_token = app_token
        self.client = ReturningConnection(
            came_back,
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            proxy=app.client.proxy,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def connect(self) -> None:
        super().connect()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        super().close()  # type: ignore[no-untyped-call]
