"""Relational check-ins end to end: the real bot, the fake Slack, time moved by the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    BOB_DM,
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    LA,
    MONDAY_10AM_LA,
    at,
    buttons,
    checkins_of,
    close_deal,
    dms,
    message_changed,
    tick_together,
)
from bot.store.models import CheckInStatus, Deal
from bot.views import checkins as views


def first_checkin_dm(fake: FakeSlack, bot: RunningBot, clock: ManualClock) -> tuple[Deal, Message]:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake, ALICE_DM)
    return deal, dm


def test_friday_evening_deal_gets_its_first_checkin_monday_ten_local(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:")

    planned = checkins_of(bot, deal)
    assert [c.offset_days for c in planned] == [3, 14, 45, 90]
    assert planned[0].due_at.astimezone(LA) == MONDAY_10AM_LA
    assert all(c.due_at.astimezone(LA).hour == 10 for c in planned)
    [reply] = [c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert f"<!date^{int(MONDAY_10AM_LA.timestamp())}^" in json.dumps(reply.args["blocks"])

    at(clock, bot, MONDAY_10AM_LA - timedelta(minutes=1))
    assert dms(fake_slack, ALICE_DM) == []

    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)
    assert buttons(dm) == [
        "I reached out",
        "Snooze",
        "Hand off",
        "Timeline",
        "Stop for this customer",
    ]
    assert "*Acme Corp*" in dm.blocks[0]["text"]["text"]
    assert deal.permalink and f"<{deal.permalink}|the deal announcement>" in json.dumps(dm.blocks)
    assert checkins_of(bot, deal)[0].status == CheckInStatus.SENT

    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=1))
    assert len(dms(fake_slack, ALICE_DM)) == 1


def test_each_stage_asks_in_its_own_words(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    for checkin in checkins_of(bot, deal):
        at(clock, bot, checkin.due_at)

    sent = [
        c.args
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] in ("U0ALICE", ALICE_DM) and "thread_ts" not in c.args
    ]
    prompts = [m["blocks"][0]["text"]["text"] for m in sent]
    assert len(sent) == 4 and len(set(prompts)) == 4
    assert all("Acme Corp" in prompt for prompt in prompts)
    assert not any(word in " ".join(prompts).lower() for word in ("upsell", "renewal", "discount"))


def test_reached_out_with_needs_help_logs_the_outcome_and_updates_the_dm(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)
    old_blocks = dm.blocks

    fake_slack.click("U0ALICE", dm, views.REACHED_OUT)
    assert bot.wait_idle()
    [modal] = fake_slack.views
    assert modal["callback_id"] == views.REACHED_OUT_MODAL
    ack = fake_slack.submit(
        "U0ALICE",
        modal,
        {
            "outcome": {
                "value": {"type": "radio_buttons", "selected_option": {"value": "needs_help"}}
            },
            "note": {"value": {"type": "plain_text_input", "value": "Onboarding is <!here> slow"}},
        },
    )
    assert bot.wait_idle()

    assert ack == {}
    first = checkins_of(bot, deal)[0]
    assert (first.status, first.outcome, first.note) == (
        CheckInStatus.DONE,
        "needs_help",
        "Onboarding is <!here> slow",
    )
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["channel"] == ALICE_DM and update.args["ts"] == dm.ts
    assert "needs help" in update.args["blocks"][0]["text"]["text"]
    assert "&lt;!here&gt;" in update.args["blocks"][0]["text"]["text"]
    assert buttons(fake_slack.message(ALICE_DM, dm.ts)) == ["Ask the team for a hand"]

    fake_slack.click("U0ALICE", dm, views.REACHED_OUT, blocks=old_blocks)
    assert bot.wait_idle()
    [note] = fake_slack.calls_to("chat.postEphemeral")
    assert note.args["text"] == views.ALREADY_HANDLED
    assert len(fake_slack.views) == 1
    assert checkins_of(bot, deal)[1].status == CheckInStatus.PLANNED


def test_logging_without_choosing_a_feeling_is_refused_on_the_field(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)
    fake_slack.click("U0ALICE", dm, views.REACHED_OUT)
    assert bot.wait_idle()

    ack = fake_slack.submit("U0ALICE", fake_slack.views[0], {"outcome": {"value": {}}})

    assert ack["response_action"] == "errors" and "outcome" in ack["errors"]
    assert checkins_of(bot, deal)[0].status == CheckInStatus.SENT


def test_snooze_moves_the_checkin_and_sends_it_again_then(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)
    fake_slack.click("U0ALICE", dm, views.SNOOZE)
    assert bot.wait_idle()
    ack = fake_slack.submit(
        "U0ALICE",
        fake_slack.views[0],
        {"days": {"value": {"type": "radio_buttons", "selected_option": {"value": "7"}}}},
    )
    assert bot.wait_idle()

    assert ack == {}
    snoozed = checkins_of(bot, deal)[0]
    assert snoozed.status == CheckInStatus.PLANNED
    assert snoozed.due_at.astimezone(LA) == MONDAY_10AM_LA + timedelta(days=7)
    assert "Snoozed" in fake_slack.calls_to("chat.update")[0].args["blocks"][0]["text"]["text"]

    at(clock, bot, MONDAY_10AM_LA + timedelta(days=6))
    assert len(dms(fake_slack, ALICE_DM)) == 1
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=7))
    assert len(dms(fake_slack, ALICE_DM)) == 2


def test_hand_off_sends_this_and_later_checkins_to_the_teammate(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)
    fake_slack.click("U0ALICE", dm, views.HAND_OFF)
    assert bot.wait_idle()
    refused = fake_slack.submit(
        "U0ALICE",
        fake_slack.views[0],
        {"teammate": {"value": {"type": "users_select", "selected_user": "U0ALICE"}}},
    )
    assert refused["response_action"] == "errors"

    ack = fake_slack.submit(
        "U0ALICE",
        fake_slack.views[0],
        {"teammate": {"value": {"type": "users_select", "selected_user": "U0BOB"}}},
    )
    assert bot.wait_idle()

    assert ack == {}
    assert [c.recipient_id for c in checkins_of(bot, deal)] == ["U0BOB"] * 4
    with bot.store.session() as session:
        assert session.get_one(Deal, deal.id).owner_id == "U0BOB"
    assert "<@U0BOB>" in fake_slack.calls_to("chat.update")[0].args["blocks"][0]["text"]["text"]

    # Monday 10:00 in LA is 18:00 in London: Bob hears about it on Tuesday morning.
    at(clock, bot, datetime(2026, 11, 24, 9, 59, tzinfo=ZoneInfo("Europe/London")))
    assert dms(fake_slack, BOB_DM) == []
    at(clock, bot, datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London")))
    assert len(dms(fake_slack, BOB_DM)) == 1
    assert len(dms(fake_slack, ALICE_DM)) == 1


def test_stop_for_this_customer_cancels_the_rest(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)

    fake_slack.click("U0ALICE", dm, views.STOP)
    assert bot.wait_idle()

    assert {c.status for c in checkins_of(bot, deal)} == {CheckInStatus.STOPPED}
    assert buttons(fake_slack.message(ALICE_DM, dm.ts)) == []
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=120))
    assert len(dms(fake_slack, ALICE_DM)) == 1


def test_unanswered_checkin_gets_one_reminder_then_is_missed(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal, dm = first_checkin_dm(fake_slack, bot, clock)

    at(clock, bot, MONDAY_10AM_LA + timedelta(days=1))
    assert [m for m in fake_slack.messages[ALICE_DM] if m.thread_ts] == []
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=2))  # Wednesday: two working days
    [reminder] = [m for m in fake_slack.messages[ALICE_DM] if m.thread_ts == dm.ts]
    assert "gentle nudge" in reminder.text or "nudge" in reminder.blocks[0]["text"]["text"]

    at(clock, bot, MONDAY_10AM_LA + timedelta(days=4))  # Friday
    assert checkins_of(bot, deal)[0].status == CheckInStatus.MISSED
    assert "missed" in fake_slack.message(ALICE_DM, dm.ts).text
    before = len(fake_slack.calls_to("chat.postMessage"))
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=10))
    reminders = [m for m in fake_slack.messages[ALICE_DM] if m.thread_ts == dm.ts]
    assert len(reminders) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == before  # day 14 is not due yet


def test_removing_the_deal_cancels_its_pending_checkins(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Globex!")
    reply = fake_slack.message(DEALS_CHANNEL, deal.reply_ts)

    fake_slack.click("U0BOB", reply, "deal_not_a_deal")
    assert bot.wait_idle()

    assert {c.status for c in checkins_of(bot, deal)} == {CheckInStatus.CANCELLED}
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=100))
    assert dms(fake_slack, ALICE_DM) == []


def test_out_of_office_status_postpones_until_after_it_expires(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp")
    back = datetime(2026, 11, 25, 18, 0, tzinfo=LA)  # Wednesday evening
    fake_slack.users["U0ALICE"]["profile"].update(
        status_text="Out of office",
        status_emoji=":palm_tree:",
        status_expiration=int(back.timestamp()),
    )

    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=11))  # past the 10-minute profile cache
    assert dms(fake_slack, ALICE_DM) == []
    assert checkins_of(bot, deal)[0].due_at.astimezone(LA) == datetime(
        2026, 11, 26, 10, 0, tzinfo=LA
    )

    fake_slack.users["U0ALICE"]["profile"].update(
        status_text="", status_emoji="", status_expiration=0
    )
    at(clock, bot, datetime(2026, 11, 26, 10, 0, tzinfo=LA))
    assert len(dms(fake_slack, ALICE_DM)) == 1


def test_rate_limit_waits_on_the_clock_then_a_server_error_is_retried_and_sent_once(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    fake_slack.fail_next("chat.postMessage", status=500)

    at(clock, bot, MONDAY_10AM_LA)
    assert dms(fake_slack, ALICE_DM) == []
    assert clock.now() == MONDAY_10AM_LA  # nothing slept, not even on the clock

    at(clock, bot, MONDAY_10AM_LA + timedelta(seconds=29))
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the reply, and the 429
    at(clock, bot, MONDAY_10AM_LA + timedelta(seconds=30))
    assert dms(fake_slack, ALICE_DM) == []  # the 500: retried later, with backoff
    at(clock, bot, MONDAY_10AM_LA + timedelta(seconds=60))

    assert len(dms(fake_slack, ALICE_DM)) == 1
    sends = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "U0ALICE"]
    assert [c.status for c in sends] == [429, 500, 200]


def test_a_rate_limit_pauses_posting_for_the_workspace_until_retry_after(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ANNA", "anna", tz="America/Anchorage")  # 10:00 there is 11:00 in LA
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp")
    close_deal(fake_slack, bot, "Closed Globex", user="U0ANNA")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7200)

    at(clock, bot, MONDAY_10AM_LA)
    posts = len(fake_slack.calls_to("chat.postMessage"))
    at(clock, bot, MONDAY_10AM_LA + timedelta(hours=1))  # Anna's check-in is due, Slack said wait
    assert len(fake_slack.calls_to("chat.postMessage")) == posts
    assert dms(fake_slack, "D0ANNA") == [] and dms(fake_slack, ALICE_DM) == []

    at(clock, bot, MONDAY_10AM_LA + timedelta(hours=2))
    assert len(dms(fake_slack, ALICE_DM)) == len(dms(fake_slack, "D0ANNA")) == 1


def test_server_error_after_the_dm_went_out_does_not_send_it_twice(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp")
    fake_slack.fail_next("chat.postMessage", status=503, applied=True)

    at(clock, bot, MONDAY_10AM_LA)
    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=5))

    [dm] = dms(fake_slack, ALICE_DM)
    first = checkins_of(bot, deal)[0]
    assert (first.status, first.message_ts) == (CheckInStatus.SENT, dm.ts)
    assert len(fake_slack.calls_to("conversations.history")) == 1


def test_checkins_due_while_the_bot_was_down_are_sent_once_on_start_in_one_dm(
    fake_slack: FakeSlack,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
) -> None:
    clock.set(FRIDAY_5PM_LA)
    first = start_bot()
    deals = [
        close_deal(fake_slack, first, f"Closed {c}") for c in ("Acme Corp", "Globex", "Initech")
    ]
    first.stop()
    clock.set(MONDAY_10AM_LA + timedelta(hours=3))

    second = start_bot()
    assert fake_slack.wait_for(lambda: len(dms(fake_slack, ALICE_DM)) == 1)  # the start-up tick
    second.tick()

    [dm] = dms(fake_slack, ALICE_DM)
    assert dm.text == "Time to check in with *Acme Corp*, *Globex* and *Initech*."
    firsts = [checkins_of(second, deal)[0] for deal in deals]
    assert {(c.status, c.message_ts) for c in firsts} == {(CheckInStatus.SENT, dm.ts)}


def test_two_dispatchers_on_one_database_send_every_checkin_once_in_few_dms(
    fake_slack: FakeSlack,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
) -> None:
    clock.set(FRIDAY_5PM_LA)
    one = start_bot()
    deals = [close_deal(fake_slack, one, f"Closed Customer{n}") for n in range(12)]
    two = start_bot()
    clock.set(MONDAY_10AM_LA)

    tick_together(one, two)

    sent = dms(fake_slack, ALICE_DM)
    named = [f"*Customer{n}*" for n in range(12)]
    assert all(
        sum(
            f"{name}," in m.text or f"{name} " in m.text or m.text.endswith(f"{name}.")
            for m in sent
        )
        == 1
        for name in named
    )
    firsts = [checkins_of(one, deal)[0] for deal in deals]
    assert {c.status for c in firsts} == {CheckInStatus.SENT}
    assert {c.message_ts for c in firsts} == {m.ts for m in sent}
    assert len(sent) == 2  # ten customers at most in one DM
    assert len(fake_slack.calls_to("chat.postMessage")) == len(deals) + len(sent)  # + replies


def test_checkin_times_are_stored_in_utc(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp")
    first = checkins_of(bot, deal)[0]
    assert first.due_at.tzinfo == UTC
    assert first.due_at == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def test_checkin_across_the_march_dst_change_is_sent_at_ten_local(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 3, 4, 9, 0, tzinfo=LA))  # Pacific Standard Time
    deal = close_deal(fake_slack, bot, "Closed Acme Corp")
    day14 = checkins_of(bot, deal)[1]
    ten_pdt = datetime(2027, 3, 18, 10, 0, tzinfo=LA)  # after the 14 March change

    assert day14.due_at == ten_pdt.astimezone(UTC) == datetime(2027, 3, 18, 17, 0, tzinfo=UTC)
    at(clock, bot, checkins_of(bot, deal)[0].due_at)
    at(clock, bot, ten_pdt - timedelta(hours=1))  # 10:00 by last month's offset
    assert len(dms(fake_slack, ALICE_DM)) == 1
    at(clock, bot, ten_pdt)
    assert len(dms(fake_slack, ALICE_DM)) == 2


def test_workspace_holiday_is_skipped(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    thanksgiving = datetime(2026, 11, 26, 10, 0, tzinfo=LA)
    bot = start_bot(holidays=(thanksgiving.date(),))
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=LA))  # Monday: day 3 is Thursday
    deal = close_deal(fake_slack, bot, "Closed Initech")

    assert checkins_of(bot, deal)[0].due_at.astimezone(LA) == thanksgiving + timedelta(days=1)
    at(clock, bot, thanksgiving)
    assert dms(fake_slack, ALICE_DM) == []
    at(clock, bot, thanksgiving + timedelta(days=1))
    assert len(dms(fake_slack, ALICE_DM)) == 1


def edit(fake: FakeSlack, bot: RunningBot, post: Message, text: str) -> None:
    fake.send_event(message_changed(post, text))
    assert bot.wait_idle()


def test_deal_edited_away_and_back_gets_its_checkins_again(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()  # its thread reply goes out

    edit(fake_slack, bot, post, "Acme Corp: closing next week")
    with bot.store.session() as session:
        deal = session.scalars(select(Deal).where(Deal.message_ts == post.ts)).one()
    assert {c.status for c in checkins_of(bot, deal)} == {CheckInStatus.CANCELLED}
    edit(fake_slack, bot, post, "Closed Acme Corp :tada:")

    assert [c.status for c in checkins_of(bot, deal)] == [CheckInStatus.PLANNED] * 4
    assert "Check-ins:" in json.dumps(fake_slack.calls_to("chat.update")[-1].args["blocks"])
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)
    assert "*Acme Corp*" in dm.blocks[0]["text"]["text"]


def test_a_one_second_limit_in_one_dm_holds_back_only_that_dm(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    owners = ["U0ALICE", "U0BRUNO", "U0CELIA"]
    for owner in owners[1:]:
        fake_slack.add_user(owner, owner.lower(), tz="America/Los_Angeles")
    bot = start_bot(sends_per_workspace=1)  # one send at a time: the order is the claim's
    clock.set(FRIDAY_5PM_LA)
    for n, owner in enumerate(owners):
        close_deal(fake_slack, bot, f"Closed Customer{n} Corp", user=owner)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)

    at(clock, bot, MONDAY_10AM_LA)
    sent = {owner: len(dms(fake_slack, "D" + owner[1:])) for owner in owners}
    assert sorted(sent.values()) == [0, 1, 1]  # the others went on at once

    at(clock, bot, MONDAY_10AM_LA + timedelta(seconds=1))
    assert [len(dms(fake_slack, "D" + owner[1:])) for owner in owners] == [1, 1, 1]
