"""Builds the Bolt app and runs it over Socket Mode."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot import listeners
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deps import Deps
from bot.directory import Directory
from bot.dispatch import Dispatcher
from bot.scheduler import Timer
from bot.services.workspaces import ensure_workspace
from bot.store.db import Store

log = logging.getLogger(__name__)


class RetryAfterOnClock(RateLimitErrorRetryHandler):
    """slack_sdk's rate-limit retry, waiting out Retry-After on the injected clock."""

    def __init__(self, clock: Clock, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.clock = clock

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate limited without a response")
        state.next_attempt_requested = True
        headers = {k.lower(): v for k, v in response.headers.items()}
        wait = (headers.get("retry-after") or ["1"])[0]
        self.clock.sleep(int(wait) if str(wait).isdigit() else 1)
        state.increment_current_attempt()


def slack_client(settings: Settings, clock: Clock) -> WebClient:
    """The one WebClient the app and the background work share."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RetryAfterOnClock(clock, max_retry_count=3),
        ],
    )


class ListenerPool(ThreadPoolExecutor):
    """Runs listeners after the ack, and can tell when all of them have finished."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="serve-listener")
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._running += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._running -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)


def build_app(deps: Deps, client: WebClient, executor: ListenerPool) -> App:
    app = App(client=client, listener_executor=executor, request_verification_enabled=False)
    listeners.register(app, deps)
    return app


class RunningBot:
    """The bot as `servebot run` starts it: schema upgraded, Slack app connected."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.store = Store(settings.database_url)
        self.store.upgrade()
        self.clock = clock or SystemClock()
        self.client = slack_client(settings, self.clock)
        self.listeners = ListenerPool()
        deps = Deps(settings, self.store, self.clock, Directory(self.clock))
        self.app = build_app(deps, self.client, self.listeners)
        self.dispatcher = Dispatcher(deps, self.client)
        self.timer = Timer(settings.dispatch_interval_seconds, self.dispatcher.tick)
        self.socket = SocketModeHandler(self.app, settings.slack_app_token)
        team_id = self.client.auth_test().get("team_id")
        if team_id:
            ensure_workspace(self.store, self.clock, team_id)

    def start(self) -> RunningBot:
        self.socket.connect()
        self.timer.start()
        log.info("Serve is connected to Slack over Socket Mode")
        return self

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every listener started so far has finished."""
        return self.listeners.wait_idle(timeout)

    def stop(self) -> None:
        self.timer.stop()
        try:
            self.socket.close()
        except AttributeError:
            # slack_sdk's builtin client can race a close from Slack's side; closing
            # again finds the socket gone and shuts the remaining threads down.
            self.socket.close()
        self.listeners.shutdown(wait=True)
        self.store.close()
