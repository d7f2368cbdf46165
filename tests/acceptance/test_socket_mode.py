"""Over a real Socket Mode connection, as `servebot run` serves Slack by default: the
bot connects, acks each kind of envelope on the socket, and acts on it. Everything else
hands Slack's payloads to the app directly; these prove the socket itself."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    at,
    dms,
    serve,
)
from bot.services.workflow import SHARE_STORY
from bot.store.models import CheckIn, CheckInStatus, Deal, Story
from bot.views import checkins as checkin_views


@pytest.fixture
def socket_bot(start_bot: Callable[..., RunningBot], fake_slack: FakeSlack) -> RunningBot:
    running = start_bot(transport="socket_mode")
    assert fake_slack.connections == 1
    return running


def test_a_deal_post_and_slacks_retry_over_the_socket_make_one_deal_and_one_reply(
    fake_slack: FakeSlack, socket_bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    event = {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}

    first = fake_slack.send_event(event, event_id="Ev0SOCKET1")
    fake_slack.send_event(event, event_id="Ev0SOCKET1", retry_attempt=1)
    assert socket_bot.wait_idle()
    socket_bot.tick()  # the runner posts the reply

    with socket_bot.store.reading() as session:
        assert [d.customer for d in session.scalars(select(Deal))] == ["Acme Corp"]
    replies = [m for m in fake_slack.messages[DEALS_CHANNEL] if m.thread_ts == post.ts]
    assert len(replies) == 1
    assert fake_slack.acks[first] is None


def test_a_slash_command_is_answered_in_its_ack_on_the_socket(
    fake_slack: FakeSlack, socket_bot: RunningBot
) -> None:
    reply = serve(fake_slack, socket_bot, "U0ALICE", "help")

    assert "/serve story" in json.dumps(reply)


def test_a_checkin_button_and_its_form_work_over_the_socket(
    fake_slack: FakeSlack, socket_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Globex :tada:", user="U0ALICE")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert socket_bot.wait_idle()
    at(clock, socket_bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)

    fake_slack.click("U0ALICE", dm, checkin_views.REACHED_OUT)
    assert socket_bot.wait_idle()
    chosen = {"type": "radio_buttons", "selected_option": {"value": "satisfied"}}
    ack = fake_slack.submit("U0ALICE", fake_slack.views[-1], {"outcome": {"value": chosen}})
    assert socket_bot.wait_idle()

    assert ack == {}
    with socket_bot.store.reading() as session:
        first = session.scalars(select(CheckIn).order_by(CheckIn.stage)).first()
    assert first is not None and first.status == CheckInStatus.DONE
    assert fake_slack.calls_to("chat.update"), "the DM was not redrawn"


def test_a_profile_change_reaches_the_bot_as_an_event_on_the_socket(
    fake_slack: FakeSlack, socket_bot: RunningBot
) -> None:
    fake_slack.set_profile("U0BOB", status_text="On vacation", status_emoji=":palm_tree:")
    assert socket_bot.wait_idle()
    asked = len(fake_slack.calls_to("users.info"))

    person = socket_bot.deps.directory.person(socket_bot.client, "U0BOB")

    assert person is not None and person.profile["status_text"] == "On vacation"
    assert len(fake_slack.calls_to("users.info")) == asked


def test_a_workflow_step_runs_over_the_socket_on_the_runs_own_token(
    fake_slack: FakeSlack, socket_bot: RunningBot
) -> None:
    told = "Alice stayed on after hours to get Globex's export working."
    ended = fake_slack.run_function(
        SHARE_STORY, {"helpers": ["U0ALICE"], "what_happened": told, "shared_by": "U0BOB"}
    )
    assert socket_bot.wait_idle()

    with socket_bot.store.reading() as session:
        [story] = session.scalars(select(Story))
    assert (ended.state, ended.outputs) == ("completed", {"story_id": story.id})
    [completed] = fake_slack.calls_to("functions.completeSuccess")
    assert completed.token == ended.token


def test_a_deal_posted_while_the_connection_was_lost_is_caught_up_once_it_is_back(
    fake_slack: FakeSlack, socket_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    socket_bot.tick()
    fake_slack.hang_up()  # Slack drops the connection and, for a while, takes no new one
    assert fake_slack.wait_for(lambda: fake_slack.connections == 0)
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=10))
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    history = len(fake_slack.calls_to("conversations.history"))

    fake_slack.refusing_connections = False
    assert fake_slack.wait_for(lambda: fake_slack.connections == 1, timeout=60)
    deadline = time.monotonic() + 10  # the catch-up is asked for on slack_sdk's thread
    while not replies_to(fake_slack, post) and time.monotonic() < deadline:
        socket_bot.tick()
        time.sleep(0.05)

    assert len(replies_to(fake_slack, post)) == 1
    assert len(fake_slack.calls_to("conversations.history")) == history + 1
    with socket_bot.store.reading() as session:
        [deal] = session.scalars(select(Deal)).all()
    assert deal.caught_up and deal.customer == "Acme Corp"


def replies_to(fake: FakeSlack, post: Message) -> list[Message]:
    return [m for m in fake.messages[DEALS_CHANNEL] if m.thread_ts == post.ts and m.bot_id]
