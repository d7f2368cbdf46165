"""Shared fixtures: the fake Slack, a database on each backend, a clock, the running bot."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.store.db import Store
from tests.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack, Message

DEALS_CHANNEL = "C0DEALS"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="TEST_DATABASE_URL is not set")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'serve.db'}"
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
    yield fake
    fake.stop()
    assert fake.violations == [], "the bot made calls Slack would reject"


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
    """Start the bot as `servebot run` does; settings can be overridden by keyword."""
    started: list[RunningBot] = []

    def start(**overrides: Any) -> RunningBot:
        running = RunningBot(replace(settings, **overrides), clock).start()
        started.append(running)
        fake_slack.wait_for_connection()
        return running

    yield start
    fake_slack.hang_up()
    for running in started:
        running.stop()


@pytest.fixture
def bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot()


def message_changed(post: Message, text: str, **event: Any) -> dict[str, Any]:
    """The event Slack sends when someone edits `post` in the deal channel to say `text`."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": post.channel,
        "channel_type": "channel",
        "message": post.as_event() | {"text": text, "edited": {"ts": post.ts}},
        "previous_message": post.as_event(),
        "ts": post.ts,
        **event,
    }


def tick_together(*bots: RunningBot) -> None:
    """Run several bots' dispatchers at the same moment, as replicas would."""
    barrier = threading.Barrier(len(bots))

    def tick(bot: RunningBot) -> None:
        barrier.wait()
        bot.tick()

    threads = [threading.Thread(target=tick, args=(bot,)) for bot in bots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def checkin_dms(fake: FakeSlack) -> list[Message]:
    """Every check-in DM the bot posted (top level, with its send key), in any DM."""
    return [
        m
        for channel, messages in list(fake.messages.items())
        if channel.startswith("D")
        for m in messages
        if m.thread_ts is None and m.metadata
    ]
