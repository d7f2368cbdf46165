"""The picture for leads in the weekly digest: after 12 weeks of deals and check-ins the
digest carries a chart (uploaded once, even with two replicas) and the figures' table;
with too little history, or without files:write, it posts without the chart and says why."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import tick_together
from bot.services import checkins, deals, weekly
from bot.services.deals import LoggedDeal, Planning
from bot.store import due
from bot.store.models import Outcome

TEAM_ID = "T0SERVE"
WINS = "C0WINS"
DIGEST_TIME = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # Friday of 2026-W48
WEEK = "2026-W48"
# The runner's own timer waits an hour of real time after its start-up tick: the test moves
# the clock back to make its weeks, and a tick then would plan those weeks' digests too.
QUIET = {"recognition_channel": WINS, "dispatch_interval_seconds": 3600}
FEELINGS = [Outcome.SATISFIED, Outcome.NEUTRAL, Outcome.NEEDS_HELP]


@pytest.fixture
def wins(fake_slack: FakeSlack) -> FakeSlack:
    fake_slack.add_channel(WINS, "wins", members=["U0ALICE"])
    return fake_slack


def started(bot: RunningBot) -> RunningBot:
    """The bot once its start-up tick (on the timer's thread) has planned this week's
    digest: only then may the test move the clock back."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with bot.store.reading() as session:
            planned = due.kinds_for_period(session, TEAM_ID, WEEK, {weekly.DIGEST})
        if planned:
            return bot
        threading.Event().wait(0.01)
    raise AssertionError("the start-up tick never planned the digest")


def live_weeks(bot: RunningBot, clock: ManualClock, weeks: int) -> None:
    """`weeks` weeks ending with the digest's, through the services as people would make
    them: week n closes n % 3 + 1 deals; each deal's first check-in goes out on the
    Wednesday and is answered, the feelings taking turns; every other needs-help answer
    gets a hand from a teammate."""
    planning = Planning(lambda: bot.settings, lambda _user: "UTC")
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC) - timedelta(weeks=weeks - 1)
    answered = 0
    for n in range(weeks):
        clock.set(monday + timedelta(weeks=n))
        closed = []
        for d in range(n % 3 + 1):
            said = LoggedDeal(f"Customer {n}-{d}", "U0ALICE", "U0ALICE")
            change = deals.log_by_hand(bot.store, clock, TEAM_ID, said, (None, None), planning)
            closed.append(change.deal.id)
        clock.set(monday + timedelta(weeks=n, days=2))
        for deal_id in closed:
            first = min(checkins.open_for_deal(bot.store, deal_id), key=lambda c: c.stage)
            checkins.mark_sent(
                bot.store,
                clock,
                [first.id],
                ("D0ALICE", f"{n}.{deal_id}"),
                clock.now() + timedelta(days=1),
            )
            feeling = FEELINGS[answered % 3]
            answered += 1
            checkins.log_outcome(bot.store, clock, first.id, TEAM_ID, "U0ALICE", feeling, None)
            if feeling == Outcome.NEEDS_HELP and n % 2 == 0:
                checkins.ask_team(bot.store, clock, first.id, TEAM_ID, "U0ALICE")
                checkins.offer_help(bot.store, clock, first.id, TEAM_ID, "U0BOB")


def digest_posts(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.args for c in fake.calls_to("chat.postMessage") if c.args["channel"] == WINS]


def blocks_of(post: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = post["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def test_after_twelve_weeks_the_digest_carries_the_chart_once_and_the_table(
    wins: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(DIGEST_TIME - timedelta(days=4))
    bot = started(start_bot(**QUIET))
    live_weeks(bot, clock, 12)
    clock.set(DIGEST_TIME)
    # the second replica starts only now: its start-up tick, on its own thread, must not
    # run while the clock is back in the weeks being made, or it plans their digests
    other = start_bot(**QUIET)
    tick_together(bot, other)
    bot.tick()
    other.tick()

    [post] = digest_posts(wins)
    assert len(wins.calls_to("files.getUploadURLExternal")) == 1
    assert len(wins.calls_to("files.completeUploadExternal")) == 1
    [uploaded] = wins.files
    assert uploaded.content.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(uploaded.content)).size == (1200, 800)
    assert uploaded.channel is None  # kept private: the digest shows it
    blocks = blocks_of(post)
    [image] = [b for b in blocks if b["type"] == "image"]
    assert image["slack_file"] == {"id": uploaded.id}
    history = weekly.history(bot.store, TEAM_ID, WEEK, weekly.zone_of(bot.settings))
    deals_by_week = ", ".join(str(w.deals_closed) for w in history.weeks)
    assert deals_by_week == "1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3"
    assert f"Deals closed: {deals_by_week}." in image["alt_text"]
    assert "got a hand" in image["alt_text"] and uploaded.alt_txt == image["alt_text"]
    [table] = [b for b in blocks if b["type"] == "table"]
    cells = [[cell["text"] for cell in row] for row in table["rows"]]
    assert cells[0] == ["Figure", "This week", "12-week median"]
    assert ["Deals closed", "3", "2"] in cells

    wins.add_user("U0ADMIN", "ada", is_admin=True)
    wins.open_home("U0ADMIN")  # the Home shows the digest's file again: nothing uploaded
    assert bot.wait_idle() and other.wait_idle()
    home = wins.home["U0ADMIN"]
    [shown] = [b for b in home["blocks"] if b["type"] == "image"]
    assert shown["slack_file"] == {"id": uploaded.id}
    assert "12-week median" in json.dumps(home)
    assert len(wins.calls_to("files.getUploadURLExternal")) == 1
    assert wins.violations == []


def test_with_two_weeks_of_data_the_digest_has_no_chart_and_says_why(
    wins: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(DIGEST_TIME - timedelta(days=4))
    bot = started(start_bot(**QUIET))
    live_weeks(bot, clock, 2)
    clock.set(DIGEST_TIME)
    bot.tick()

    [post] = digest_posts(wins)
    blocks = blocks_of(post)
    assert not [b for b in blocks if b["type"] == "image"]
    assert wins.calls_to("files.getUploadURLExternal") == []
    assert "No chart yet: 1 complete week of figures so far, and a chart needs 2." in json.dumps(
        blocks
    )
    assert [b for b in blocks if b["type"] == "table"]
    assert wins.violations == []


def test_without_files_write_the_digest_posts_without_the_chart(
    wins: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(DIGEST_TIME - timedelta(days=4))
    bot = started(start_bot(**QUIET))
    live_weeks(bot, clock, 12)
    wins.fail_always("files.getUploadURLExternal", error="missing_scope")
    clock.set(DIGEST_TIME)
    bot.tick()
    bot.tick()

    [post] = digest_posts(wins)
    blocks = blocks_of(post)
    assert not [b for b in blocks if b["type"] == "image"]
    assert "lacks the files:write permission" in json.dumps(blocks)
    assert wins.files == []
    assert len(wins.calls_to("files.getUploadURLExternal")) == 1


def test_a_chart_slack_refuses_leaves_the_digest_posted_without_it_saying_why(
    wins: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(DIGEST_TIME - timedelta(days=4))
    bot = started(start_bot(**QUIET))
    live_weeks(bot, clock, 12)
    wins.fail_next("chat.postMessage", error="invalid_blocks")  # "invalid slack file"
    clock.set(DIGEST_TIME)
    bot.tick()
    bot.tick()

    refused, *rest = [c for c in wins.calls_to("chat.postMessage") if c.args["channel"] == WINS]
    assert [b["type"] for b in blocks_of(refused.args) if b["type"] == "image"] == ["image"]
    posts = [c.args for c in rest if "thread_ts" not in c.args]
    [post] = posts
    blocks = blocks_of(post)
    assert not [b for b in blocks if b["type"] == "image"]
    assert "No chart this week: Slack would not take the image." in json.dumps(blocks)
    assert [b for b in blocks if b["type"] == "table"]
    assert len(wins.calls_to("files.getUploadURLExternal")) == 1
