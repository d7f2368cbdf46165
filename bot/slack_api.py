"""The WebClients Serve talks to Slack through.

Both resend a call the transport lost only when sending it twice is harmless: a
dropped connection or a 5xx may have posted a message, so `chat.postMessage` is never
resent here (delivery looks in the conversation instead). The listeners' client waits
out short rate limits on the injected clock; the runner's client never waits: it pauses
the method and says until when, so the runner can do other work meanwhile."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

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


def listener_client(settings: Settings, clock: Clock) -> WebClient:
    """The client Bolt hands to listeners (with many workspaces, Bolt gives each request
    a copy holding its workspace's token)."""
    return WebClient(
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


class PausingClient(WebClient):
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
