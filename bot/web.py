"""HTTP mode: Slack's Events API, slash commands and interactivity at /slack/events
(and the OAuth install flow), CRM webhooks at /crm/… (see bot/webhooks.py), a health
check and metrics, served by waitress.

Whatever reaches the port may come from anyone, so a request to /slack/events is
checked here before Bolt sees it: its size (a few MB at most, refused before it is read
into memory), Slack's signature made at most five minutes ago by the injected clock, and
a body that is UTF-8 and parses. What fails gets a short 4xx, never a traceback."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import create_server

from bot.clock import Clock
from bot.metrics import Metrics
from bot.store.db import Store, ping
from bot.webhooks import CRM_BODY_LIMIT_BYTES, CRM_PATH, CrmWebhooks

log = logging.getLogger(__name__)
HTTP_THREADS = 8
EVENTS_PATH = "/slack/events"
PLAIN = [("Content-Type", "text/plain; charset=utf-8")]
StartResponse = Callable[..., Any]

# Slack's largest payloads (a view submission of a full form, a message event with
# blocks) are tens of KB. Two MB leaves room for any of them while a flood of big
# bodies can't grow the process: waitress answers 413 on the declared length alone.
BODY_LIMIT_BYTES = 2 * 1024 * 1024
# Slack gives up on an answer after three seconds and retries, so a connection that has
# been silent that long, mid-request or kept alive, serves nobody: it is closed, and
# clients dribbling a header line every few seconds can't hold the server's sockets.
CHANNEL_TIMEOUT_SECONDS = 3
CLEANUP_INTERVAL_SECONDS = 1  # how often waitress looks for such connections
# Room for many slow clients at once beside Slack's own requests and the health check
# (waitress's default is 100); poll() instead of select(), which fails on descriptors
# past 1024.
CONNECTION_LIMIT = 1000
# How old a signed request may be (Slack's own rule), against replays of old ones.
SIGNATURE_MAX_AGE_SECONDS = 5 * 60
TIMESTAMP_MAX_DIGITS = 12


class SlackSignatures:
    """Slack's v0 signature: an HMAC-SHA256, with the app's signing secret, of the
    request's timestamp and its body as sent. Checked here rather than by Bolt so the
    timestamp is compared with the injected clock, and so a malformed timestamp or
    signature is a refusal rather than an exception."""

    def __init__(self, secret: str, clock: Clock) -> None:
        self._secret = secret.encode()
        self._clock = clock

    def sign(self, timestamp: str, body: bytes) -> str:
        message = b"v0:" + timestamp.encode("ascii") + b":" + body
        return "v0=" + hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def valid(self, timestamp: str, signature: str, body: bytes) -> bool:
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False
        if len(timestamp) > TIMESTAMP_MAX_DIGITS:
            return False
        if abs(self._clock.now().timestamp() - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
            return False
        given = signature.encode("latin-1", "replace")  # WSGI headers are latin-1
        return hmac.compare_digest(self.sign(timestamp, body).encode(), given)


class SlackWeb:
    """The WSGI application: /healthz and /metrics here, Slack's requests checked, then
    to Bolt; the OAuth install pages to Bolt's own adapter."""

    def __init__(
        self,
        app: App,
        store: Store,
        metrics: Metrics,
        signatures: SlackSignatures,
        crm: CrmWebhooks | None = None,
    ) -> None:
        self.app = app
        self.oauth = SlackRequestHandler(app)
        self.store = store
        self.metrics = metrics
        self.signatures = signatures
        self.crm = crm

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "GET" and path == "/healthz":
            return self._health(start_response)
        if method == "GET" and path == "/metrics":
            body = self.metrics.exposition(self.store).encode()
            start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4")])
            return [body]
        if method == "POST" and path == EVENTS_PATH:
            return self._from_slack(environ, start_response)
        if method == "POST" and path.startswith(CRM_PATH) and self.crm is not None:
            sent = capped_body(environ, CRM_BODY_LIMIT_BYTES)
            return self.crm(environ, start_response, sent, request_headers(environ))
        return self.oauth(environ, start_response)

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            with self.store.reading() as session:
                ping(session)
        except SQLAlchemyError as error:
            log.warning("health check: the database does not answer: %s", type(error).__name__)
            return refuse(start_response, "503 Service Unavailable", "database unavailable")
        start_response("200 OK", PLAIN)
        return [b"ok\n"]

    def _from_slack(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        body = capped_body(environ)
        if body is None:
            return refuse(start_response, "413 Request Entity Too Large", "request too large")
        headers = request_headers(environ)
        stamp = str(headers.get("x-slack-request-timestamp", ""))
        if not self.signatures.valid(stamp, str(headers.get("x-slack-signature", "")), body):
            log.info("refused a request not signed by Slack, or signed too long ago")
            return refuse(start_response, "401 Unauthorized", "invalid request")
        request = bolt_request(body, str(environ.get("QUERY_STRING", "")), headers)
        if request is None:
            log.info("refused a signed request whose body does not parse")
            return refuse(start_response, "400 Bad Request", "malformed request")
        answer = self.app.dispatch(request)
        response = WsgiHttpResponse(answer.status, answer.headers, answer.body)
        start_response(response.status, response.get_headers())
        return response.get_body()


def refuse(start_response: StartResponse, status: str, why: str) -> Iterable[bytes]:
    start_response(status, PLAIN)
    return [why.encode() + b"\n"]


def capped_body(environ: dict[str, Any], cap: int = BODY_LIMIT_BYTES) -> bytes | None:
    """The request's body, or None when it is over the cap: read no further than the cap
    (and one byte) whatever length is declared, or when none is (a chunked body, which
    waitress has already gathered, and capped the same way)."""
    declared = str(environ.get("CONTENT_LENGTH") or "")
    length = int(declared) if declared.isdigit() else cap + 1
    if declared.isdigit() and length > cap:
        return None
    stream = environ.get("wsgi.input")
    body = bytes(stream.read(min(length, cap + 1))) if stream is not None else b""
    return None if len(body) > cap else body


def request_headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers by their lower-case names, as Bolt reads them."""
    headers = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = str(environ[key])
    return headers


def bolt_request(body: bytes, query: str, headers: dict[str, str]) -> BoltRequest | None:
    """The request as Bolt takes it, or None for a body that is not UTF-8, not JSON where
    JSON is due (a JSON body, or a form's `payload`), or not shaped as Slack's are: Bolt
    reads the team, enterprise and user out of it as it builds the request."""
    try:
        request = BoltRequest(body=body.decode("utf-8"), query=query, headers=dict(headers))
    except (ValueError, TypeError, AttributeError, KeyError):  # ValueError: bad UTF-8 or JSON
        return None
    return request if isinstance(request.body, dict) else None


class WebServer:
    """waitress on its own thread, so the process can stop it when asked."""

    def __init__(self, application: SlackWeb, port: int, host: str = "0.0.0.0") -> None:
        self.application = application
        self.server = create_server(
            application,
            host=host,
            port=port,
            threads=HTTP_THREADS,
            ident="serve",
            max_request_body_size=BODY_LIMIT_BYTES,
            channel_timeout=CHANNEL_TIMEOUT_SECONDS,
            cleanup_interval=CLEANUP_INTERVAL_SECONDS,
            connection_limit=CONNECTION_LIMIT,
            asyncore_use_poll=True,
            expose_tracebacks=False,
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
            with contextlib.suppress(OSError):  # a loop already closing has no trigger
                self.server.trigger.pull_trigger(self.server.close)  # type: ignore[union-attr]
            self._thread.join(timeout)
        if self._thread.is_alive() or not self._thread.ident:
            self.server.close()
