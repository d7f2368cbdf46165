"""Shared fixtures: the fake Slack, a database on each backend, a clock, the running bot.

Tests come in three tiers, by folder: `unit/` (pure rules, views, parsing), `integration/`
(the real app and store, Slack's payloads handed to the app directly against the fake
Web API) and `acceptance/` (real Socket Mode, real processes, whole runs), which is
marked `slow`, as are the few other tests that open a real socket or try thousands of
examples: `python -m pytest -m "not slow"` is the quick tier."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.app import RunningBot, Transport
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, AppReceiver, FakeSlack
from bot.sandbox.support import DEALS_CHANNEL
from bot.store.db import Store

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


ACCEPTANCE = Path(__file__).parent / "acceptance"
MANIFEST = Path(__file__).parents[1] / "deploy" / "manifest.yml"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="TEST_DATABASE_URL is not set")
    for item in items:
        if ACCEPTANCE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.slow)
        if not POSTGRES_URL and "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once: each test gets a copy."""
    path = tmp_path_factory.mktemp("schema") / "serve.db"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    store.close()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An up-to-date database with nothing in it: a SQLite file, or the PostgreSQL one."""
    if request.param == "sqlite":
        copy = tmp_path / "serve.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), copy)
        return f"sqlite:///{copy}"
    url = _emptied_postgres()
    Store(url).upgrade()
    return url


@pytest.fixture(params=BACKENDS)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all, for what migrations do to it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    return _emptied_postgres()


@pytest.fixture
def empty_postgres() -> str:
    """The PostgreSQL database alone, with no schema, for processes that make their own."""
    return _emptied_postgres()


def _emptied_postgres() -> str:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    store.upgrade()
    yield store
    store.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))


@pytest.fixture
def fake_slack(clock: ManualClock) -> Iterator[FakeSlack]:
    fake = FakeSlack(now=clock.now).start()
    fake.add_user("U0ALICE", "alice", tz="America/Los_Angeles")
    fake.add_user("U0BOB", "bob", tz="Europe/London")
    fake.add_channel(DEALS_CHANNEL, "deals", members=["U0ALICE", "U0BOB"])
    fake.add_channel("C0RANDOM", "random", members=["U0ALICE", "U0BOB"])
    fake.define_functions(workflow_steps())
    yield fake
    fake.stop()
    assert fake.violations == [], "the bot made calls Slack would reject"


@functools.cache
def workflow_steps() -> dict[str, Any]:
    """Serve's Workflow Builder steps, as the app manifest defines them for Slack."""
    functions: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())["functions"]
    return functions


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        deal_channels=(DEALS_CHANNEL,),
    )


@pytest.fixture
def start_bot(
    settings: Settings, clock: ManualClock, fake_slack: FakeSlack
) -> Iterator[Callable[..., RunningBot]]:
    """Start the bot as `servebot run` does, Slack's requests handed to its app directly
    (`transport="socket_mode"` for a real connection); settings can be overridden by
    keyword."""
    started: list[RunningBot] = []

    def start(transport: Transport = "direct", **overrides: Any) -> RunningBot:
        running = RunningBot(replace(settings, **overrides), clock, transport).start()
        started.append(running)
        if transport == "direct":
            fake_slack.deliver_to(AppReceiver(running.app))
        fake_slack.wait_for_connection()
        return running

    yield start
    fake_slack.hang_up()
    for running in started:
        running.stop()


@pytest.fixture
def bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot()
