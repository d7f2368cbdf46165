"""Closed-deal capture, end to end: the real bot over the fake Slack's Socket Mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import parse_channel_list
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import DEALS_CHANNEL, message_changed
from bot.store.models import CheckIn, CheckInStatus, Deal, DealStatus
from bot.views.deals import ALREADY_REMOVED, NOT_A_DEAL, SET_OWNER


def channel_event(message: Message, **extra: Any) -> dict[str, Any]:
    return {
        **message.as_event(),
        "channel": message.channel,
        "channel_type": "channel",
        "event_ts": message.ts,
        **extra,
    }


def deals_in(bot: RunningBot) -> list[Deal]:
    with bot.store.session() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def deliver(fake: FakeSlack, bot: RunningBot, event: dict[str, Any], **options: Any) -> str:
    envelope_id = fake.send_event(event, **options)
    assert bot.wait_idle(), "the bot's listeners did not finish"
    bot.tick()  # the thread reply is due work
    return envelope_id


def thread_replies(fake: FakeSlack, message: Message) -> list[dict[str, Any]]:
    return [
        c.args for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == message.ts
    ]


def click_not_a_deal(
    fake: FakeSlack, bot: RunningBot, deal: Deal, user: str, blocks: list | None = None
) -> None:
    reply = fake.message(DEALS_CHANNEL, deal.reply_ts or "")
    assert reply is not None
    fake.click(user, reply, NOT_A_DEAL, blocks=blocks)
    assert bot.wait_idle()


def test_closed_deal_post_records_one_deal_and_one_thread_reply_despite_retries(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(
        DEALS_CHANNEL, ":tada: Closed Acme Corp — 3-year renewal, $40k!", user="U0ALICE"
    )
    event = channel_event(post)

    first = deliver(fake_slack, bot, event, event_id="Ev0DEAL1")
    deliver(fake_slack, bot, event, event_id="Ev0DEAL1", retry_attempt=1)

    [deal] = deals_in(bot)
    assert (deal.customer, deal.owner_id, deal.amount, deal.currency) == (
        "Acme Corp",
        "U0ALICE",
        Decimal("40000"),
        "USD",
    )
    assert deal.status == DealStatus.ACTIVE
    [reply] = thread_replies(fake_slack, post)
    assert reply["channel"] == DEALS_CHANNEL
    assert "*Acme Corp*" in json.dumps(reply["blocks"])
    assert deal.reply_ts == fake_slack.message(DEALS_CHANNEL, deal.reply_ts).ts
    assert deal.permalink and post.ts.replace(".", "") in deal.permalink
    assert fake_slack.acks[first] is None  # an event's ack carries nothing


def test_two_deliveries_of_one_message_at_once_yield_one_deal(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Signed Globex! $12,500", user="U0BOB")
    event = channel_event(post)
    ids = [fake_slack.send_event(event, wait_ack=False, retry_attempt=n) for n in range(3)]
    assert fake_slack.wait_for(lambda: all(i in fake_slack.acks for i in ids))
    assert bot.wait_idle()
    bot.tick()

    assert [d.customer for d in deals_in(bot)] == ["Globex"]
    assert len(thread_replies(fake_slack, post)) == 1


def test_deleting_the_announcement_removes_the_deal_and_says_so(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Initech for €8k", user="U0ALICE")
    deliver(fake_slack, bot, channel_event(post))
    [deal] = deals_in(bot)

    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": DEALS_CHANNEL,
        "channel_type": "channel",
        "deleted_ts": post.ts,
        "previous_message": post.as_event(),
        "ts": "1763659999.000100",
        "event_ts": "1763659999.000100",
    }
    deliver(fake_slack, bot, deleted)
    deliver(fake_slack, bot, deleted, retry_attempt=1)

    [removed] = deals_in(bot)
    assert removed.status == DealStatus.DELETED
    with bot.store.session() as session:
        statuses = set(session.scalars(select(CheckIn.status).where(CheckIn.deal_id == deal.id)))
    assert statuses == {CheckInStatus.CANCELLED}
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["ts"] == deal.reply_ts
    assert "announcement was deleted" in update.args["text"]
    assert NOT_A_DEAL not in json.dumps(update.args["blocks"])


def test_not_a_deal_button_removes_the_deal_and_updates_the_reply(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Hooli :rocket:", user="U0ALICE")
    deliver(fake_slack, bot, channel_event(post))
    [deal] = deals_in(bot)
    shown = fake_slack.message(DEALS_CHANNEL, deal.reply_ts).blocks

    click_not_a_deal(fake_slack, bot, deal, user="U0BOB")

    [dismissed] = deals_in(bot)
    assert (dismissed.status, dismissed.removed_by) == (DealStatus.DISMISSED, "U0BOB")
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["ts"] == deal.reply_ts
    assert "<@U0BOB> marked this as not a deal" in update.args["text"]
    assert fake_slack.message(DEALS_CHANNEL, deal.reply_ts).text == update.args["text"]

    click_not_a_deal(fake_slack, bot, deal, user="U0ALICE", blocks=shown)
    assert len(fake_slack.calls_to("chat.update")) == 1
    [note] = fake_slack.calls_to("chat.postEphemeral")
    assert (note.args["user"], note.args["text"]) == ("U0ALICE", ALREADY_REMOVED)

    deliver(fake_slack, bot, channel_event(post), retry_attempt=2)
    assert deals_in(bot)[0].status == DealStatus.DISMISSED
    assert len(thread_replies(fake_slack, post)) == 1


def test_integration_post_with_attachment_fields_is_recorded(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(
        DEALS_CHANNEL,
        "",
        user=None,
        bot_id="B0SALESFORCE",
    )
    attachments = [
        {
            "fallback": "Opportunity updated: Wayne Enterprises - Expansion",
            "title": "Wayne Enterprises - Expansion",
            "fields": [
                {"title": "Stage", "value": "Closed Won", "short": True},
                {"title": "Amount", "value": "$250,000.00", "short": True},
                {"title": "Owner", "value": "<@U0BOB>", "short": True},
            ],
        }
    ]
    event = channel_event(
        post, subtype="bot_message", username="Salesforce", attachments=attachments
    )
    deliver(fake_slack, bot, event)

    [deal] = deals_in(bot)
    assert (deal.customer, deal.owner_id, deal.amount, deal.from_integration) == (
        "Wayne Enterprises",
        "U0BOB",
        Decimal("250000"),
        True,
    )
    [reply] = thread_replies(fake_slack, post)
    assert "<@U0BOB>" in json.dumps(reply["blocks"])


def test_editing_the_announcement_updates_the_deal_and_its_reply(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme, $10k", user="U0ALICE")
    deliver(fake_slack, bot, channel_event(post))

    changed = message_changed(
        post, "Closed Acme Corp, $15k", ts="1763659999.000200", event_ts="1763659999.000200"
    )
    deliver(fake_slack, bot, changed)
    deliver(fake_slack, bot, changed, retry_attempt=1)

    [deal] = deals_in(bot)
    assert (deal.customer, deal.amount) == ("Acme Corp", Decimal("15000"))
    [update] = fake_slack.calls_to("chat.update")
    assert "*Acme Corp*" in json.dumps(update.args["blocks"])
    assert "$15,000" in json.dumps(update.args["blocks"])
    assert len(thread_replies(fake_slack, post)) == 1

    retracted = message_changed(post, "Closing Acme Corp next week")
    deliver(fake_slack, bot, retracted)
    assert deals_in(bot)[0].status == DealStatus.RETRACTED
    assert "no longer reads as a closed deal" in fake_slack.calls_to("chat.update")[-1].args["text"]


def test_near_misses_and_other_channels_are_left_alone(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    near_miss = fake_slack.post_as_user(DEALS_CHANNEL, "Closing Acme next week", user="U0ALICE")
    elsewhere = fake_slack.post_as_user("C0RANDOM", "Closed Acme Corp!", user="U0ALICE")
    in_thread = fake_slack.post_as_user(
        DEALS_CHANNEL, "Closed Globex too", user="U0BOB", thread_ts=near_miss.ts
    )
    for message in (near_miss, elsewhere, in_thread):
        deliver(fake_slack, bot, channel_event(message))

    assert deals_in(bot) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_failed_reply_is_posted_by_the_runner_once_it_retries(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Soylent :tada:", user="U0ALICE")
    fake_slack.fail_next("chat.postMessage", error="fatal_error")
    deliver(fake_slack, bot, channel_event(post))
    assert deals_in(bot)[0].reply_ts is None

    deliver(fake_slack, bot, channel_event(post), retry_attempt=1)  # Slack's retry: no reply
    clock.advance(timedelta(seconds=30))
    bot.tick()

    [deal] = deals_in(bot)
    assert deal.reply_ts is not None
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [200, 200]
    assert len([m for m in fake_slack.messages[DEALS_CHANNEL] if m.thread_ts == post.ts]) == 1


@pytest.mark.parametrize("configured", ["deals", "#deals"])
def test_deal_channel_can_be_named_instead_of_given_by_id(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], configured: str
) -> None:
    bot = start_bot(deal_channels=parse_channel_list(configured))
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Umbrella Corp!", user="U0BOB")
    deliver(fake_slack, bot, channel_event(post))
    elsewhere = fake_slack.post_as_user("C0RANDOM", "Closed Cyberdyne!", user="U0BOB")
    deliver(fake_slack, bot, channel_event(elsewhere))

    assert [d.customer for d in deals_in(bot)] == ["Umbrella Corp"]
    assert {c.args["channel"] for c in fake_slack.calls_to("conversations.info")} == {
        DEALS_CHANNEL,
        "C0RANDOM",
    }


def test_integration_deal_without_a_slack_owner_gets_one_from_the_reply(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    post = fake_slack.post_as_user(DEALS_CHANNEL, "", user=None, bot_id="B0HUBSPOT")
    text = "Deal stage changed to Closed won\nDeal: Globex - New\nDeal owner: Jane Doe"
    deliver(fake_slack, bot, channel_event(post, subtype="bot_message", text=text))
    [deal] = deals_in(bot)
    assert (deal.owner_id, deal.owner_name) == (None, "Jane Doe")
    [reply] = thread_replies(fake_slack, post)
    assert "pick the owner" in json.dumps(reply["blocks"])

    shown = fake_slack.message(DEALS_CHANNEL, deal.reply_ts)
    fake_slack.click("U0BOB", shown, SET_OWNER, selected_user="U0ALICE")
    assert bot.wait_idle()

    [owned] = deals_in(bot)
    assert owned.owner_id == "U0ALICE"
    with bot.store.session() as session:
        planned = session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)).all()
    assert [c.recipient_id for c in planned] == ["U0ALICE"] * 4
    [update] = fake_slack.calls_to("chat.update")
    assert "<@U0ALICE>" in update.args["text"] and "Check-ins:" in json.dumps(update.args)
