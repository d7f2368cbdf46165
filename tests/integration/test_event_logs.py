"""What a busy deal channel costs the log: chatter is counted, not written at INFO; each
deal a post announces is one line; and recording one takes a fixed number of
statements however many deals came before."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA


def say(fake: FakeSlack, bot: RunningBot, text: str) -> None:
    post = fake.post_as_user(DEALS_CHANNEL, text, user="U0ALICE")
    fake.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()


def test_chatter_is_counted_in_metrics_and_logged_only_at_debug(
    fake_slack: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for n in range(3):
        say(fake_slack, bot, f"anyone seen the {n}th lunch menu?")
    inbound = [r for r in caplog.records if r.name == "bot.listeners.inbound"]
    assert inbound == []
    exposition = bot.metrics.exposition(bot.store)
    assert 'serve_events_handled_total{kind="message"} 3' in exposition


def test_a_deal_post_is_one_line_at_info_naming_the_deal(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(FRIDAY_5PM_LA)
    caplog.set_level(logging.INFO)
    say(fake_slack, bot, "Closed Acme Corp, 2-year plan :tada:")
    lines = [r for r in caplog.records if r.name.startswith("bot.listeners")]
    assert [(r.getMessage(), getattr(r, "kind", None)) for r in lines] == [
        ("deal 1: recorded", "deal")
    ]


def test_a_deal_post_takes_as_many_statements_after_fifty_deals_as_after_one(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    assert bot.timer.ticked.wait(10)  # the start-up tick, on its own thread, has ended
    clock.set(FRIDAY_5PM_LA)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    say(fake_slack, bot, "Closed Customer00000 Corp :tada:")
    event.listen(bot.store.engine, "before_cursor_execute", count)
    say(fake_slack, bot, "Closed Customer00001 Corp :tada:")
    first = len(statements)
    for n in range(2, 50):
        say(fake_slack, bot, f"Closed Customer{n:05d} Corp :tada:")
    statements.clear()
    say(fake_slack, bot, "Closed Customer00050 Corp :tada:")
    event.remove(bot.store.engine, "before_cursor_execute", count)
    assert len(statements) == first
    assert first <= 16, statements
