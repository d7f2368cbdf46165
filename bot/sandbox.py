"""The real bot against the project's fake Slack, on a manual clock and a throwaway
SQLite database: what `servebot demo` (and `servebot simulate`) run on.

The fake Slack lives in the source checkout's tests/ (it is test code, not part of the
package), so it is found next to the installed `bot` package, which an editable install
(`pip install -e .`) keeps in the checkout. Its types are not checked here: to mypy the
fake is `Any`, so strict checking of bot/ never reaches into tests/."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import bot
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings

FAKE_SLACK_PACKAGE = "tests.fakeslack"
NEEDS_CHECKOUT = (
    "servebot demo runs from a source checkout: git clone the Serve repository, "
    "then pip install -e . inside it"
)
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


class SandboxUnavailable(Exception):
    """The fake Slack cannot be found: Serve was installed without its source checkout."""


class Sandbox(NamedTuple):
    fake: Any  # tests.fakeslack.FakeSlack
    bot: RunningBot
    clock: ManualClock


def source_root() -> Path:
    """The checkout the installed `bot` package lives in."""
    return Path(bot.__file__).resolve().parents[1]


def load_fake_slack(root: Path | None = None) -> ModuleType:
    """The `tests.fakeslack` package of the source checkout (`root`, by default the one
    `bot` is installed from). Raises SandboxUnavailable when it is not there."""
    root = root or source_root()
    if not (root / "tests" / "fakeslack" / "__init__.py").is_file():
        raise SandboxUnavailable(NEEDS_CHECKOUT)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        return importlib.import_module(FAKE_SLACK_PACKAGE)
    except ImportError as error:
        raise SandboxUnavailable(f"{NEEDS_CHECKOUT} ({error})") from error


@contextmanager
def sandbox(
    start: datetime = DEFAULT_START,
    workspace: Callable[[Any], object] | None = None,
    **overrides: Any,
) -> Iterator[Sandbox]:
    """Start a fake Slack workspace and the real bot connected to it over Socket Mode,
    time standing at `start` until the caller moves the clock; stop both and delete the
    database on exit. `workspace(fake)` adds people and channels before the bot starts;
    `overrides` are Settings fields (tokens, API URL and database are the sandbox's own).
    Nothing is read from the environment or `.env`."""
    fakeslack = load_fake_slack()
    clock = ManualClock(start)
    with tempfile.TemporaryDirectory(prefix="servebot-sandbox-") as folder:
        fake = fakeslack.FakeSlack(now=clock.now).start()
        try:
            if workspace is not None:
                workspace(fake)
            fields: dict[str, Any] = {
                "dispatch_interval_seconds": QUIET_INTERVAL_SECONDS,
                **overrides,
                "slack_bot_token": fakeslack.BOT_TOKEN,
                "slack_app_token": fakeslack.APP_TOKEN,
                "slack_api_url": fake.api_url,
                "database_url": f"sqlite:///{Path(folder) / 'serve.db'}",
            }
            settings = Settings(**fields)
            with _straight_to_loopback():
                running = RunningBot(settings, clock)
                try:
                    running.start()
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
