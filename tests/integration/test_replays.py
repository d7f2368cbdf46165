"""A request Slack delivers twice (a Socket Mode redelivery, a replayed HTTP request) is
acked the second time and changes nothing: what Slack made unique about it is kept for a
day and looked up before any listener runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import story_values
from bot.services import replays
from bot.store import seen
from bot.store.db import Store
from bot.store.models import Deal, SeenRequest, Story
from bot.views import stories as story_views


def count(bot: RunningBot, model: type[Deal] | type[Story]) -> int:
    with bot.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_redelivered_deal_command_logs_one_deal(fake_slack: FakeSlack, bot: RunningBot) -> None:
    payload = fake_slack.command_payload("U0ALICE", "deal Acme Corp")

    fake_slack.send_command(payload)
    assert bot.wait_idle()
    again = fake_slack.send_command(dict(payload))
    assert bot.wait_idle()

    assert again in fake_slack.acks  # acked, so Slack stops redelivering
    assert count(bot, Deal) == 1


def test_a_redelivered_story_submission_stores_one_story(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    values = story_values(["U0BOB"], "Bob stayed late to fix Acme's export")
    payload = fake_slack.submission_payload("U0ALICE", story_views.story_modal("command"), values)

    fake_slack.send_interaction(payload)
    assert bot.wait_idle()
    again = fake_slack.send_interaction(dict(payload))
    assert bot.wait_idle()

    assert again in fake_slack.acks
    assert count(bot, Story) == 1


def test_two_submissions_of_one_form_are_both_taken(fake_slack: FakeSlack, bot: RunningBot) -> None:
    """A form answered with errors stays open with the same view id and hash; what is
    sent again after the fix has a trigger of its own, and is no replay."""
    values = story_values(["U0BOB"], "Bob covered the on-call shift")
    first = fake_slack.submission_payload("U0ALICE", story_views.story_modal("command"), values)
    second = fake_slack.submission_payload("U0ALICE", story_views.story_modal("command"), values)
    second["view"] |= {"id": first["view"]["id"], "hash": first["view"]["hash"]}

    fake_slack.send_interaction(first)
    fake_slack.send_interaction(second)
    assert bot.wait_idle()

    assert count(bot, Story) == 2


def test_a_trigger_is_remembered_for_a_day_then_let_go(store: Store, clock: ManualClock) -> None:
    now = clock.now()

    assert replays.first_delivery(store, clock, "T0SERVE", "1.trigger")
    assert replays.first_delivery(store, clock, "T0OTHER", "1.trigger")  # another workspace's
    clock.set(now + timedelta(hours=23))
    assert not replays.first_delivery(store, clock, "T0SERVE", "1.trigger")
    clock.set(now + seen.REMEMBERED + timedelta(seconds=1))
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(SeenRequest)) == 2
    assert replays.first_delivery(store, clock, "T0SERVE", "1.trigger")
    with store.reading() as session:  # the day-old keys went as the new one came
        assert session.scalar(select(func.count()).select_from(SeenRequest)) == 1
