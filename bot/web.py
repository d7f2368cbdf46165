"""HTTP mode: Slack's Events API, slash commands and interactivity at /slack/events
(and the OAuth install flow), a health check and metrics, served by waitress."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import create_server

from bot.metrics import Metrics
from bot.store.db import Store, ping

log = logging.getLogger(__name__)
HTTP_THREADS = 8
PLAIN = [("Content-Type", "text/plain; charset=utf-8")]
StartResponse = Callable[..., Any]


class SlackWeb:
    """The WSGI application: /healthz and /metrics here, everything else to Bolt."""

    def __init__(self, app: App, store: Store, metrics: Metrics) -> None:
        self.slack = SlackRequestHandler(app)
        self.store = store
        self.metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "GET" and path == "/healthz":
            return self._health(start_response)
        if method == "GET" and path == "/metrics":
            body = self.metrics.exposition(self.store).encode()
            start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4")])
            return [body]
        return self.slack(environ, start_response)

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            with self.store.reading() as session:
                ping(session)
        except SQLAlchemyError as error:
            log.warning("health check: the database does not answer: %s", type(error).__name__)
            start_response("503 Service Unavailable", PLAIN)
            return [b"database unavailable\n"]
        start_response("200 OK", PLAIN)
        return [b"ok\n"]


class WebServer:
    """waitress on its own thread, so the process can stop it when asked."""

    def __init__(self, application: SlackWeb, port: int, host: str = "0.0.0.0") -> None:
        self.server = create_server(
            application, host=host, port=port, threads=HTTP_THREADS, ident="serve"
        )
        self._thread = threading.Thread(target=self.server.run, name="serve-http", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.effective_port)  # type: ignore[union-attr]

    def start(self) -> None:
        self._thread.start()
        log.info("serving Slack over HTTP on port %s", self.port)

    def stop(self, timeout: float = 2.0) -> None:
        """Close from waitress's own loop, which then ends at once rather than at its
        next look (up to a second later)."""
        if self._thread.is_alive():
            self.server.trigger.pull_trigger(self.server.close)  # type: ignore[union-attr]
            self._thread.join(timeout)
        if self._thread.is_alive() or not self._thread.ident:
            self.server.close()
