"""The real bot against the project's fake Slack, on a manual clock and a throwaway
SQLite database: what `servebot demo` and `servebot simulate` run on."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from bot.app import RunningBot, Transport
from bot.clock import ManualClock
from bot.config import Settings

from .fakeslack import APP_TOKEN, BOT_TOKEN, AppReceiver, FakeSlack

DEFAULT_START = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
QUIET_INTERVAL_SECONDS = 3600  # the timer's own ticks stay out of the way of the clock's
PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)
NO_PROXY = "127.0.0.1,localhost"


class Sandbox(NamedTuple):
    fake: FakeSlack
    bot: RunningBot
    clock: ManualClock


@contextmanager
def sandbox(
    start: datetime = DEFAULT_START,
    workspace: Callable[[FakeSlack], object] | None = None,
    transport: Transport = "socket_mode",
    **overrides: Any,
) -> Iterator[Sandbox]:
    """Start a fake Slack workspace and the real bot connected to it over Socket Mode
    (or, with `transport="direct"`, handed each request without a socket), time
    standing at `start` until the caller moves the clock; stop both and delete the
    database on exit. `workspace(fake)` adds people and channels before the bot starts;
    `overrides` are Settings fields (tokens, API URL and database are the sandbox's own).
    Nothing is read from the environment or `.env`."""
    clock = ManualClock(start)
    with tempfile.TemporaryDirectory(prefix="servebot-sandbox-") as folder:
        fake = FakeSlack(now=clock.now).start()
        try:
            if workspace is not None:
                workspace(fake)
            fields: dict[str, Any] = {
                "dispatch_interval_seconds": QUIET_INTERVAL_SECONDS,
                **overrides,
                "slack_bot_token": BOT_TOKEN,
                "slack_app_token": APP_TOKEN,
                "slack_api_url": fake.api_url,
                "database_url": f"sqlite:///{Path(folder) / 'serve.db'}",
            }
            settings = Settings(**fields)
            with _straight_to_loopback():
                running = RunningBot(settings, clock, transport)
                try:
                    running.start()
                    if transport == "direct":
                        fake.deliver_to(AppReceiver(running.app))
                    fake.wait_for_connection()
                    yield Sandbox(fake, running, clock)
                finally:
                    fake.hang_up()
                    running.stop(grace=1.0)
        finally:
            fake.stop()


@contextmanager
def _straight_to_loopback() -> Iterator[None]:
    """The fake listens on 127.0.0.1: keep a proxy set in the shell out of the way (the
    Slack clients read proxy variables when they are made, urllib on each request)."""
    saved = {name: os.environ.get(name) for name in (*PROXY_VARIABLES, "NO_PROXY", "no_proxy")}
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = NO_PROXY
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
