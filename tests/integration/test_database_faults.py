"""The database going away mid-run (PostgreSQL restarting, SQLite's disk full): what
people posted is kept and stored once when the database is back, and a form that could
not be saved says so and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    PostgresOutage,
    at,
    checkins_of,
    close_deal,
    disk_full,
    dms,
    story_values,
    submit_story,
)
from bot.services.workflow import SHARE_STORY
from bot.store.db import Store, ping
from bot.store.models import CheckInStatus, Deal, DueWork, Story
from bot.views import checkins as checkin_views
from bot.views import deals as deal_views
from bot.views.errors import NOT_SAVED

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FIRST_NAMES = ("Acme", "Globex", "Initech", "Hooli", "Umbrella", "Stark", "Wayne", "Wonka")
CUSTOMERS = [
    f"{first} {last}"
    for first in (*FIRST_NAMES, "Cyberdyne", "Soylent")
    for last in ("Labs", "Foods", "Systems", "Bank", "Motors")
]
# Long enough to need a page of its own in the database: what a full disk refuses.
THANKS = " ".join(
    ["Thank you Sam, Priya and José for months of work: the pilot in São Paulo, the review."] * 45
)
STORY = "山田さんが頼まれてもいないのに、週末にお客様のデータ移行を手伝ってくれました。" * 40


def channel_event(message: Message) -> dict[str, Any]:
    return {**message.as_event(), "channel": message.channel, "channel_type": "channel"}


def deals_by_post(bot: RunningBot) -> dict[str, int]:
    """How many deals each message in the deal channel made."""
    with bot.store.reading() as session:
        rows = session.execute(
            select(Deal.message_ts, func.count()).group_by(Deal.message_ts)
        ).all()
    return {str(ts): int(n) for ts, n in rows}


def thread_replies(fake: FakeSlack, post: Message) -> int:
    return sum(1 for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == post.ts)


def count(bot: RunningBot, model: type[Any]) -> int:
    with bot.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- PostgreSQL restarting --------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgresql
def test_deal_posts_during_a_postgres_restart_are_each_stored_once(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], database_url: str
) -> None:
    bot = start_bot()
    outage = PostgresOutage(database_url)
    assert len(set(CUSTOMERS)) == 50
    posts = [fake_slack.post_as_user(DEALS_CHANNEL, f"Closed {c}!", "U0ALICE") for c in CUSTOMERS]
    try:
        for post in posts[:20]:
            fake_slack.send_event(channel_event(post), wait_ack=False)
        outage.drop_connections()  # mid-burst, with units of work under way
        for post in posts[20:30]:
            fake_slack.send_event(channel_event(post), wait_ack=False)
        assert fake_slack.wait_for(lambda: len(fake_slack.acks) >= 30) and bot.wait_idle(60)
        with outage.down():  # and then a while with no connection at all
            for post in posts[30:45]:
                fake_slack.send_event(channel_event(post))
            assert bot.wait_idle(timeout=60)
        for post in posts[45:]:
            fake_slack.send_event(channel_event(post))
    finally:
        outage.close()
    assert bot.wait_idle(timeout=60)
    bot.tick()  # the database answers again: what was held is replayed
    assert bot.wait_idle(timeout=60)
    bot.tick()  # the replies of deals the replay stored while the first tick ran

    assert deals_by_post(bot) == {post.ts: 1 for post in posts}
    assert [thread_replies(fake_slack, post) for post in posts] == [1] * 50


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.postgresql
def test_a_unit_of_work_started_while_postgres_refuses_connections_runs_once_it_answers(
    store: Store, database_url: str
) -> None:
    outage = PostgresOutage(database_url)
    refused: list[bool] = []

    def back_after_the_first_refusal(context: Any) -> None:
        if not refused:
            refused.append(True)
            outage.refuse_connections(False)

    try:
        outage.refuse_connections(True)
        outage.drop_connections()
        store.engine.dispose()
        event.listen(store.engine, "handle_error", back_after_the_first_refusal)
        with store.session() as session:
            ping(session)
    except OperationalError:
        pytest.fail("the unit of work gave up on the first refused connection")
    finally:
        outage.refuse_connections(False)
        outage.close()
    assert refused == [True]


# -- SQLite with a full disk -------------------------------------------------------------------


@SQLITE_ONLY
def test_a_deal_posted_while_the_disk_is_full_is_stored_once_there_is_room(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, f"Closed Acme Corp — renewal! {THANKS}", "U0BOB")
    with disk_full(bot.store):
        fake_slack.send_event(channel_event(post), event_id="Ev0FULL")
        assert bot.wait_idle()
        assert deals_by_post(bot) == {}
        bot.tick()  # still full: the post stays held
        assert bot.wait_idle()
        assert deals_by_post(bot) == {}
    bot.tick()  # there is room again: the held post is read now, without Slack's help
    assert bot.wait_idle()
    assert deals_by_post(bot) == {post.ts: 1}

    fake_slack.send_event(channel_event(post), event_id="Ev0FULL", retry_attempt=1)
    assert bot.wait_idle()
    assert deals_by_post(bot) == {post.ts: 1}
    bot.tick()  # the thread reply is due work
    assert thread_replies(fake_slack, post) == 1


@SQLITE_ONLY
def test_a_story_shared_while_the_disk_is_full_says_so_in_the_form_and_is_kept_once_resent(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    values = story_values(["U0BOB"], STORY)
    waiting = count(bot, DueWork)
    with disk_full(bot.store):
        refused = submit_story(fake_slack, bot, "U0ALICE", values)
        assert (count(bot, Story), count(bot, DueWork)) == (0, waiting)  # nothing half-written
    assert refused == {"response_action": "errors", "errors": {"helpers": NOT_SAVED}}

    kept = submit_story(fake_slack, bot, "U0ALICE", values)

    assert kept["response_action"] == "update"
    with bot.store.reading() as session:
        assert [s.what_happened for s in session.scalars(select(Story))] == [STORY]


@SQLITE_ONLY
def test_a_deal_logged_from_a_message_while_the_disk_is_full_says_so_and_is_kept_once_resent(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user("C0RANDOM", f"the ink is dry on northwind! {THANKS}", "U0ALICE")
    modal = deal_views.log_deal_modal(post.channel, post.as_event(), "Northwind", "U0ALICE")
    values = {
        "customer": {"value": {"type": "plain_text_input", "value": "Northwind"}},
        "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
    }
    with disk_full(bot.store):
        refused = fake_slack.submit("U0BOB", modal, values)
        assert bot.wait_idle()
        assert deals_by_post(bot) == {}
    assert refused == {"response_action": "errors", "errors": {"customer": NOT_SAVED}}

    kept = fake_slack.submit("U0BOB", modal, values)
    assert bot.wait_idle()

    assert kept == {}
    assert deals_by_post(bot) == {post.ts: 1}
    bot.tick()  # the thread reply is due work
    assert thread_replies(fake_slack, post) == 1


@SQLITE_ONLY
def test_a_check_in_logged_while_the_disk_is_full_says_so_and_is_kept_once_resent(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)
    fake_slack.click("U0ALICE", dm, checkin_views.REACHED_OUT)
    assert bot.wait_idle()
    [modal] = fake_slack.views
    note = STORY[:2000]
    values = {
        "outcome": {"value": {"type": "radio_buttons", "selected_option": {"value": "satisfied"}}},
        "note": {"value": {"type": "plain_text_input", "value": note}},
    }
    with disk_full(bot.store):
        refused = fake_slack.submit("U0ALICE", modal, values)
        assert bot.wait_idle()
        assert checkins_of(bot, deal)[0].status == CheckInStatus.SENT
    assert refused == {"response_action": "errors", "errors": {"outcome": NOT_SAVED}}

    kept = fake_slack.submit("U0ALICE", modal, values)
    assert bot.wait_idle()

    assert kept == {}
    first = checkins_of(bot, deal)[0]
    assert (first.status, first.outcome, first.note) == (CheckInStatus.DONE, "satisfied", note)


@SQLITE_ONLY
def test_a_workflow_run_while_the_disk_is_full_ends_once_there_is_room(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    told = {"helpers": ["U0ALICE"], "what_happened": STORY[:2000], "shared_by": "U0BOB"}
    with disk_full(bot.store):
        started = fake_slack.run_function(SHARE_STORY, told, wait_end=False)
        assert bot.wait_idle()
        assert count(bot, Story) == 0
        assert fake_slack.calls_to("functions.completeError") == []  # not failed: held
    bot.tick()  # there is room again: the held run is taken now
    assert bot.wait_idle()

    ended = fake_slack.wait_for_end(started.id)
    with bot.store.reading() as session:
        [story] = session.scalars(select(Story))
    assert (ended.state, ended.outputs) == ("completed", {"story_id": story.id})
