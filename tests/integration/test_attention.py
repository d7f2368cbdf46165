"""The attention budget: a person's check-ins due together share one DM, and nobody gets
more than MAX_MESSAGES_PER_WEEK messages from Serve in their week, reminders included."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    FRIDAY_5PM_LA,
    LA,
    MONDAY_10AM_LA,
    at,
    checkins_of,
    close_deal,
    dms,
)
from bot.services.weekly import PROMPT
from bot.store.models import CheckInStatus, DueWork, Nudge
from bot.views import checkins as views

TUESDAY_NOON_LA = datetime(2026, 11, 24, 12, 0, tzinfo=LA)
WEDNESDAY_10AM_LA = datetime(2026, 11, 25, 10, 0, tzinfo=LA)
THURSDAY_3PM_LA = datetime(2026, 11, 26, 15, 0, tzinfo=LA)
FRIDAY_10AM_LA = datetime(2026, 11, 27, 10, 0, tzinfo=LA)
NEXT_MONDAY_10AM_LA = datetime(2026, 11, 30, 10, 0, tzinfo=LA)


def messages_to_alice(fake: FakeSlack) -> list[dict[str, object]]:
    """Every message Serve posted to Alice: DMs, and reminders in their threads."""
    return [
        c.args
        for c in fake.calls_to("chat.postMessage")
        if c.args["channel"] in (ALICE_DM, "U0ALICE") and c.status == 200
    ]


def actions_blocks(message: Message) -> list[str]:
    return [b["block_id"] for b in message.blocks if b["type"] == "actions"]


def log_outcome(fake: FakeSlack, bot: RunningBot, dm: Message, block_id: str) -> None:
    fake.click("U0ALICE", dm, views.REACHED_OUT, block_id=block_id)
    assert bot.wait_idle()
    modal = fake.views[-1]
    assert modal["callback_id"] == views.REACHED_OUT_MODAL
    fake.submit(
        "U0ALICE",
        modal,
        {
            "outcome": {
                "value": {"type": "radio_buttons", "selected_option": {"value": "satisfied"}}
            }
        },
    )
    assert bot.wait_idle()


def test_checkins_due_together_go_out_as_one_dm_with_buttons_for_each_customer(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deals = [
        close_deal(fake_slack, bot, f"Closed {c} :tada:") for c in ("Acme", "Globex", "Initech")
    ]

    at(clock, bot, MONDAY_10AM_LA)

    [dm] = dms(fake_slack, ALICE_DM)
    firsts = [checkins_of(bot, deal)[0] for deal in deals]
    assert actions_blocks(dm) == [f"checkin:{c.id}" for c in firsts]
    assert {(c.status, c.message_ts) for c in firsts} == {(CheckInStatus.SENT, dm.ts)}

    log_outcome(fake_slack, bot, dm, f"checkin:{firsts[1].id}")

    shown = fake_slack.message(ALICE_DM, dm.ts)
    text = json.dumps(shown.blocks)
    assert "Logged: *Globex* feels *satisfied*" in text
    still = [
        b["block_id"]
        for b in shown.blocks
        if b["type"] == "actions" and views.REACHED_OUT in json.dumps(b)
    ]
    assert still == [f"checkin_actions:{firsts[0].id}", f"checkin_actions:{firsts[2].id}"]
    assert checkins_of(bot, deals[1])[0].status == CheckInStatus.DONE

    at(clock, bot, WEDNESDAY_10AM_LA)
    [reminder] = [m for m in fake_slack.messages[ALICE_DM] if m.thread_ts == dm.ts]
    assert "*Acme*" in reminder.text and "*Initech*" in reminder.text
    assert "Globex" not in reminder.text
    assert [c.status for c in (checkins_of(bot, d)[0] for d in deals)] == [
        CheckInStatus.REMINDED,
        CheckInStatus.DONE,
        CheckInStatus.REMINDED,
    ]


def test_nobody_hears_from_serve_more_than_three_times_a_week(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0TEAM", "team", members=["U0ALICE"])
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot(team_channel="C0TEAM")
    close_deal(fake_slack, bot, "Closed Acme :tada:")
    at(clock, bot, MONDAY_10AM_LA)  # the check-in: 1
    clock.set(TUESDAY_NOON_LA)
    later = close_deal(fake_slack, bot, "Closed Globex :tada:")  # its first is due Friday
    at(clock, bot, WEDNESDAY_10AM_LA)  # the reminder: 2
    at(clock, bot, THURSDAY_3PM_LA)  # the story prompt: 3
    assert len(messages_to_alice(fake_slack)) == 3

    at(clock, bot, FRIDAY_10AM_LA)

    assert len(messages_to_alice(fake_slack)) == 3
    waiting = checkins_of(bot, later)[0]
    assert (waiting.status, waiting.due_at) == (CheckInStatus.PLANNED, NEXT_MONDAY_10AM_LA)
    at(clock, bot, NEXT_MONDAY_10AM_LA)
    assert "Globex" in json.dumps(messages_to_alice(fake_slack)[-1])
    assert checkins_of(bot, later)[0].status == CheckInStatus.SENT


def test_the_story_prompt_and_a_reminder_are_skipped_for_someone_at_the_budget(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0TEAM", "team", members=["U0ALICE"])
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot(team_channel="C0TEAM", max_messages_per_week=1)
    deal = close_deal(fake_slack, bot, "Closed Acme :tada:")

    for moment in (MONDAY_10AM_LA, WEDNESDAY_10AM_LA, THURSDAY_3PM_LA):
        at(clock, bot, moment)

    assert len(messages_to_alice(fake_slack)) == 1
    assert checkins_of(bot, deal)[0].status == CheckInStatus.REMINDED  # no second message
    with bot.store.session() as session:
        prompt = session.scalars(select(DueWork).where(DueWork.kind == PROMPT)).one()
        counted = session.scalars(select(Nudge.kind)).all()
    assert prompt.status == "done" and "already had this week's messages" in (prompt.note or "")
    assert counted == ["checkin_send"]


def test_a_dm_that_cannot_go_lets_the_checkins_it_gathered_go_on_their_own(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deals = [close_deal(fake_slack, bot, f"Closed {c} :tada:") for c in ("Acme", "Globex")]
    fake_slack.fail_next("chat.postMessage", error="invalid_blocks")

    at(clock, bot, MONDAY_10AM_LA)
    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=1))

    [dm] = dms(fake_slack, ALICE_DM)
    firsts = {deal.customer: checkins_of(bot, deal)[0] for deal in deals}
    [failed] = [c for c, f in firsts.items() if f.status == CheckInStatus.MISSED]
    [went] = [c for c, f in firsts.items() if f.status == CheckInStatus.SENT]
    assert firsts[went].message_ts == dm.ts
    assert went in dm.text and failed not in dm.text


def test_no_story_prompt_on_a_holiday(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0TEAM", "team", members=["U0ALICE"])
    clock.set(MONDAY_10AM_LA)
    bot = start_bot(team_channel="C0TEAM", holidays=(THURSDAY_3PM_LA.date(),))

    at(clock, bot, MONDAY_10AM_LA)
    at(clock, bot, THURSDAY_3PM_LA)

    assert messages_to_alice(fake_slack) == []
    with bot.store.session() as session:
        prompt = session.scalars(select(DueWork).where(DueWork.kind == PROMPT)).one()
    assert prompt.status == "done" and prompt.note == "skipped: a holiday"
