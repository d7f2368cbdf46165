"""The Socket Mode connection itself, over a real socket: a big event is read whole
(in one frame or in many continuation frames) without dropping the connection, and
Slack's own refresh moves the bot to a new connection without a catch-up."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA
from bot.store.models import Deal

MB = 1024 * 1024


@pytest.fixture
def socket_bot(start_bot: Callable[..., RunningBot], fake_slack: FakeSlack) -> RunningBot:
    running = start_bot(transport="socket_mode")
    assert fake_slack.connections == 1
    return running


def meeting_notes(size: int) -> list[dict[str, Any]]:
    """Rich-text blocks of pasted meeting notes, about `size` bytes of them."""
    line = "Initech call: legal signed off, procurement wants the SSO add-on, kickoff Monday. "
    paragraph = line * 12
    return [
        {
            "type": "rich_text",
            "block_id": f"notes{n}",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": paragraph}]}
            ],
        }
        for n in range(size // len(paragraph) + 1)
    ]


def in_channel(post: Message) -> dict[str, Any]:
    return {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}


def replies_to(fake: FakeSlack, post: Message) -> list[Message]:
    return [m for m in fake.messages[DEALS_CHANNEL] if m.thread_ts == post.ts and m.bot_id]


def connections_opened(fake: FakeSlack) -> int:
    return len(fake.calls_to("apps.connections.open"))


@pytest.mark.parametrize(
    "frame_size", [None, 4096], ids=["in one frame", "in 4 KB continuation frames"]
)
def test_a_2_mb_event_is_acked_once_and_the_connection_stays(
    fake_slack: FakeSlack, socket_bot: RunningBot, frame_size: int | None
) -> None:
    fake_slack.frame_size = frame_size
    opened = connections_opened(fake_slack)
    notes = meeting_notes(2 * MB)
    big = fake_slack.post_as_user(
        DEALS_CHANNEL, "Closed Initech :tada: notes below", user="U0ALICE", blocks=notes
    )
    assert len(json.dumps(in_channel(big))) > 2 * MB

    envelope = fake_slack.send_event(in_channel(big))
    small = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0BOB")
    fake_slack.send_event(in_channel(small))
    assert socket_bot.wait_idle()
    socket_bot.tick()  # the runner posts the replies

    assert fake_slack.ack_counts[envelope] == 1
    assert fake_slack.connections == 1
    assert connections_opened(fake_slack) == opened, "the connection was lost and made again"
    assert len(replies_to(fake_slack, small)) == 1


def test_slacks_refresh_moves_to_a_new_connection_and_catches_up_nothing(
    fake_slack: FakeSlack, socket_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    socket_bot.tick()
    history = len(fake_slack.calls_to("conversations.history"))

    fake_slack.refresh()  # returns once the bot is on its new connection
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    fake_slack.send_event(in_channel(post))
    assert socket_bot.wait_idle()
    socket_bot.tick()

    assert len(replies_to(fake_slack, post)) == 1
    assert len(fake_slack.calls_to("conversations.history")) == history
    with socket_bot.store.reading() as session:
        [deal] = session.scalars(select(Deal)).all()
    assert not deal.caught_up
