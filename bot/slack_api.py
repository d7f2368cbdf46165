"""The WebClients Serve talks to Slack through.

Both resend a call the transport lost only when sending it twice is harmless: a
dropped connection or a 5xx may have posted a message, so `chat.postMessage` is never
resent here (delivery looks in the conversation instead). The listeners' client waits
out short rate limits on the injected clock; the runner's client never waits: it pauses
the method and says until when, so the runner can do other work meanwhile.

Both keep their connections alive: slack_sdk opens a connection (and, against Slack, a
TLS session) for every call and closes it; here each host's connections are kept in one
pool for the whole process, so Bolt's per-request clients share them too."""

from __future__ import annotations

import io
import select
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection, RemoteDisconnected
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.clock import Clock
from bot.config import Settings

NOT_IDEMPOTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})
# Slack allows distributed apps outside the Marketplace one call a minute of these.
HISTORY = frozenset({"conversations.history", "conversations.replies"})
TIMEOUT_SECONDS = 10
# No post is resent by the transport (NOT_IDEMPOTENT), so one times out after this.
LONGEST_POST_IN_FLIGHT = timedelta(seconds=TIMEOUT_SECONDS)
MAX_SPACING = timedelta(minutes=1)  # between history calls, once Slack has limited them
LONGEST_WAIT_IN_A_LISTENER = 5
# chat.postMessage is limited to about one a second in each conversation, besides the
# workspace's limit: a 429 asking for no more than this is the conversation's, and holds
# back only posts there; a longer one is the workspace's, and holds back every post.
ONE_CONVERSATION_WAIT = timedelta(seconds=1)
# A kept connection idle longer is closed rather than reused: well inside the idle
# timeouts of load balancers (60 s on AWS's), so the server rarely closes one under a call.
LONGEST_IDLE_SECONDS = 30.0
MOST_IDLE_PER_HOST = 64  # more than the runner's and the listeners' threads together


def method_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


class SafeToResend(RetryHandler):
    """Wraps a retry handler: retries only calls that are harmless to send twice."""

    def __init__(self, inner: RetryHandler) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if method_of(request.url) in NOT_IDEMPOTENT:
            return False
        return self.inner.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self.inner.prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )


class WaitOutShortRateLimits(RateLimitErrorRetryHandler):
    """slack_sdk's rate-limit retry, on the injected clock, and only for short waits: a
    person waiting on a button is better told to try again than kept waiting."""

    def __init__(self, clock: Clock, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.clock = clock

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and retry_after(response.headers) <= LONGEST_WAIT_IN_A_LISTENER
        )

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self.clock.sleep(retry_after(response.headers if response else {}))
        state.increment_current_attempt()


def retry_after(headers: Any) -> int:
    """Seconds from a Retry-After header (slack_sdk gives header values as lists)."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            return int(raw) if str(raw).isdigit() else 1
    return 1


def transport_retries() -> list[RetryHandler]:
    """Resend at once, without sleeping: the call either went through this time or the
    work it belongs to is retried later with backoff."""
    at_once = FixedValueRetryIntervalCalculator(0)
    return [
        SafeToResend(
            ConnectionErrorRetryHandler(
                max_retry_count=2,
                interval_calculator=at_once,
                error_types=[URLError, ConnectionResetError, RemoteDisconnected],
            )
        ),
        SafeToResend(ServerErrorRetryHandler(max_retry_count=1, interval_calculator=at_once)),
    ]


@dataclass(frozen=True)
class Origin:
    """Where a kept connection leads; one made with another SSL context is not reused."""

    scheme: str
    host: str
    port: int
    ssl: SSLContext | None

    @classmethod
    def of(cls, url: str, ssl: SSLContext | None) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or (443 if scheme == "https" else 80)
        return cls(scheme, parts.hostname or "", port, ssl if scheme == "https" else None)

    def connect(self, timeout: float) -> HTTPConnection:
        """A new connection (opened on its first request)."""
        if self.scheme == "https":
            return HTTPSConnection(self.host, self.port, timeout=timeout, context=self.ssl)
        return HTTPConnection(self.host, self.port, timeout=timeout)


def closed_by_server(connection: HTTPConnection) -> bool:
    """An idle connection with anything to read has been closed by the server (or holds
    bytes no request asked for): either way, not one to send a request on."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        if not hasattr(select, "poll"):  # Windows; select's limit on descriptors is Unix's
            return bool(select.select([sock], [], [], 0)[0])
        poller = select.poll()
        poller.register(sock, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class KeptConnections:
    """The idle connections to one origin, each handed to one call at a time (an
    http.client connection is not for two threads at once)."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self._idle: list[tuple[HTTPConnection, float]] = []  # with when it was given back
        self._lock = threading.Lock()

    def take(self) -> HTTPConnection | None:
        """The most recently used idle connection the server has not closed, if any."""
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    return None
                connection, since = self._idle.pop()
            if now - since <= LONGEST_IDLE_SECONDS and not closed_by_server(connection):
                return connection
            connection.close()

    def give_back(self, connection: HTTPConnection) -> None:
        now = time.monotonic()
        with self._lock:
            stale = [c for c, since in self._idle if now - since > LONGEST_IDLE_SECONDS]
            self._idle = [
                (c, since) for c, since in self._idle if now - since <= LONGEST_IDLE_SECONDS
            ]
            if len(self._idle) < MOST_IDLE_PER_HOST:
                self._idle.append((connection, now))
            else:
                stale.append(connection)
        for old in stale:
            old.close()


_kept: dict[Origin, KeptConnections] = {}
_kept_lock = threading.Lock()


def kept_connections(origin: Origin) -> KeptConnections:
    """The process's pool for `origin`: every client, and every copy Bolt makes of one,
    draws on the same connections."""
    with _kept_lock:
        kept = _kept.get(origin)
        if kept is None:
            kept = _kept[origin] = KeptConnections(origin)
        return kept


class NotSent(Exception):
    """Writing the request failed, so the server never had the whole of it: it cannot
    have acted on it, and sending it again on another connection is harmless."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class Unanswered(Exception):
    """The request went out and the connection was closed before any answer began: the
    server may have closed it idle just as the request arrived, or taken the call and
    died. Harmless to send again only for a call that is harmless to send twice."""

    def __init__(self, error: ConnectionResetError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class Answer:
    status: int
    reason: str
    headers: HTTPMessage
    body: bytes


def exchange(connection: HTTPConnection, request: Request, timeout: float) -> Answer:
    """One request and its whole answer on `connection`, which is closed on any failure
    (half a conversation left on it would be read as the next call's answer)."""
    try:
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        connection.timeout = timeout
        try:
            connection.request(
                request.get_method(),
                request.selector,
                body=request.data,
                headers=dict(request.header_items()),
            )
        except OSError as error:
            raise NotSent(error) from error
        try:
            response = connection.getresponse()
        except ConnectionResetError as error:  # RemoteDisconnected is one
            raise Unanswered(error) from error
        body = response.read()
    except BaseException:
        connection.close()
        raise
    if response.will_close:
        connection.close()
    return Answer(response.status, response.reason, response.headers, body)


class KeepAliveClient(WebClient):
    """A WebClient whose calls share kept-alive connections per host (with a proxy,
    slack_sdk's own transport). Only the transport changes: slack_sdk still builds the
    request, runs the retry handlers, reads 429s and raises SlackApiError, and errors
    reach it as urllib raises them.

    A connection the server closed while it sat idle is noticed before the request is
    written, and replaced. A kept connection that fails while the request is being
    written is replaced and the call sent once more, whatever the method: the server
    never had all of it. One that dies after the request went out, before any answer,
    is replaced only when sending twice is harmless: a post surfaces as the connection
    error it is, and delivery looks for it in the conversation."""

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy or urlsplit(url).scheme.lower() not in ("http", "https"):
            return super()._perform_urllib_http_request_internal(url, req)
        kept = kept_connections(Origin.of(url, self.ssl))
        connection = kept.take()
        try:
            if connection is not None:
                try:
                    return self._answer(kept, connection, req)
                except NotSent:
                    pass
                except Unanswered:
                    if method_of(url) in NOT_IDEMPOTENT:
                        raise
            return self._answer(kept, kept.origin.connect(self.timeout), req)
        except NotSent as unsent:
            raise URLError(unsent.error) from unsent.error  # as urllib says it
        except Unanswered as unanswered:
            raise unanswered.error from None

    def _answer(
        self, kept: KeptConnections, connection: HTTPConnection, req: Request
    ) -> dict[str, Any]:
        """slack_sdk's response dict; an answer other than 2xx raised as urllib raises it."""
        answer = exchange(connection, req, self.timeout)
        if connection.sock is not None:
            kept.give_back(connection)
        if not 200 <= answer.status < 300:
            body = io.BytesIO(answer.body)
            raise HTTPError(req.full_url, answer.status, answer.reason, answer.headers, body)
        if answer.headers.get_content_type() == "application/gzip":  # admin.analytics.getFile
            return {"status": answer.status, "headers": answer.headers, "body": answer.body}
        charset = answer.headers.get_content_charset() or "utf-8"
        text = answer.body.decode(charset)
        return {"status": answer.status, "headers": answer.headers, "body": text}


def keeping_alive(client: WebClient) -> KeepAliveClient:
    """The same client on kept-alive connections: Bolt builds a plain WebClient for each
    request from the app's client (base URL, timeout, retry handlers, team) and sets the
    workspace's token on it later, in its authorization middleware."""
    if isinstance(client, KeepAliveClient):
        return client
    kept = KeepAliveClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )
    kept.default_params = dict(client.default_params)
    return kept


def listener_client(settings: Settings, clock: Clock) -> KeepAliveClient:
    """The client Bolt hands to listeners (with many workspaces, Bolt gives each request
    a copy holding its workspace's token)."""
    return KeepAliveClient(
        token=None if settings.many_workspaces else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[*transport_retries(), WaitOutShortRateLimits(clock)],
    )


class RateLimited(SlackClientError):
    """Slack asked us to wait before calling `method` again: in one conversation only
    (`channel`), or for the whole workspace."""

    def __init__(self, method: str, until: datetime, channel: str | None = None) -> None:
        super().__init__(f"{method} is rate limited until {until.isoformat()}")
        self.method = method
        self.until = until
        self.channel = channel


class PausingClient(KeepAliveClient):
    """A client that never sleeps on a rate limit: after a 429 it refuses that method
    until Retry-After has passed (on the injected clock) by raising `RateLimited`.

    Once Slack has limited a history method, later calls to it are spaced as far apart
    as it asked, one at a time: where it allows one a minute, the calls the runner's
    threads would make together become one a minute, not one and three refusals."""

    def __init__(self, clock: Clock, **options: Any) -> None:
        super().__init__(**options)
        self.clock = clock
        self._paused: dict[tuple[str, str], datetime] = {}
        self._spacing: dict[tuple[str, str], timedelta] = {}
        self._lock = threading.Lock()

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        token = str(kwargs.get("token") or self.token)
        key = (token, api_method)
        channel = _conversation(api_method, kwargs)
        one = (token, f"{api_method} {channel}") if channel else None
        now = self.clock.now()
        with self._lock:
            for paused, in_channel in ((key, None), (one, channel)):
                until = self._paused.get(paused) if paused else None
                if until is not None and until > now:
                    raise RateLimited(api_method, until, in_channel)
            if key in self._spacing:
                self._paused[key] = now + self._spacing[key]
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            if error.response.status_code != 429:
                raise
            wait = timedelta(seconds=retry_after(error.response.headers))
            until = now + wait
            if one is not None and wait <= ONE_CONVERSATION_WAIT:
                key, limited = one, channel
            else:
                limited = None
            with self._lock:
                self._paused[key] = max(until, self._paused.get(key, until))
                if api_method in HISTORY:
                    self._spacing[key] = min(max(wait, self._spacing.get(key, wait)), MAX_SPACING)
            raise RateLimited(api_method, until, limited) from error


def _conversation(method: str, arguments: dict[str, Any]) -> str | None:
    """The conversation a post goes to (slack_sdk sends a post's arguments as JSON), for
    the limit Slack keeps per conversation."""
    if method != "chat.postMessage":
        return None
    for part in ("json", "data", "params"):
        given = arguments.get(part)
        if isinstance(given, dict) and given.get("channel"):
            return str(given["channel"])
    return None


def runner_client(settings: Settings, clock: Clock, token: str | None = None) -> PausingClient:
    """The client due work is sent with: with `token`, a workspace's own."""
    return PausingClient(
        clock,
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=transport_retries(),
    )
