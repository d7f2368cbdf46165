"""Posting once under Slack's 2025 limits for apps distributed outside the Marketplace:
conversations.history and .replies at one call a minute, fifteen messages a page."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.due_work.outcomes import LOOK_WITHIN
from bot.due_work.work import Work
from bot.runner import Job, Later
from bot.sandbox.fakeslack import TEAM_ID, FakeSlack
from bot.sandbox.fakeslack.spec import payload_problems
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, at, checkin_dms, close_deal
from bot.services.checkins import SEND
from bot.slack_api import LONGEST_POST_IN_FLIGHT
from bot.store.models import CheckIn, CheckInStatus, DueWork, WorkStatus

AMBIGUOUS = [f"U0A{n:02d}" for n in range(20)]
OTHERS = [f"U0B{n:02d}" for n in range(10)]


def close_deals(fake: FakeSlack, bot: RunningBot, clock: ManualClock, owners: list[str]) -> None:
    clock.set(FRIDAY_5PM_LA)
    for owner in owners:
        fake.add_user(owner, owner.lower(), tz="America/Los_Angeles")
        close_deal(fake, bot, f"Closed {owner.title()} Corp :tada:", user=owner)


def first_checkins(bot: RunningBot) -> dict[str, CheckIn]:
    with bot.store.session() as session:
        found = session.scalars(select(CheckIn).where(CheckIn.stage == 0))
        return {checkin.recipient_id: checkin for checkin in found}


def dms_by_owner(fake: FakeSlack) -> Counter[str]:
    return Counter("U" + m.channel[1:] for m in checkin_dms(fake))


def failed_sends(bot: RunningBot) -> list[DueWork]:
    with bot.store.session() as session:
        found = session.scalars(
            select(DueWork).where(DueWork.kind == SEND, DueWork.status == WorkStatus.FAILED)
        )
        return list(found)


def test_ambiguous_sends_under_the_distributed_app_limits_settle_while_others_flow(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, AMBIGUOUS + OTHERS)
    fake_slack.limit_history(per_minute=1, page=15)
    for _ in AMBIGUOUS:  # each lands in Slack, but the bot hears a 500
        fake_slack.fail_next("chat.postMessage", status=500, applied=True)
    # then a rate limit holds the rest of the sends back for five minutes
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=300)
    replies = len(fake_slack.calls_to("chat.postMessage"))
    at(clock, bot, MONDAY_10AM_LA)
    posts = fake_slack.calls_to("chat.postMessage")[replies:]
    statuses = Counter(c.status for c in posts)
    assert (statuses[500], statuses[429]) == (20, 1) and statuses[200] < 4  # (4 at a time)
    assert dms_by_owner(fake_slack).total() == 20 + statuses[200]
    # which sends heard the 500s depends on the order the threads reached Slack
    unsure = {"U" + str(c.args["channel"])[1:] for c in posts if c.status == 500}
    others = set(AMBIGUOUS + OTHERS) - unsure
    assert len(unsure) == 20 and len(others) == 10
    clock.set(MONDAY_10AM_LA + timedelta(minutes=3))
    for owner in AMBIGUOUS + OTHERS:  # the conversations move on
        fake_slack.add_messages(owner, 40)

    others_sent_by = None
    for seconds in range(30, 30 * 60 + 1, 30):
        at(clock, bot, MONDAY_10AM_LA + timedelta(seconds=seconds))
        waiting = {
            owner
            for owner, checkin in first_checkins(bot).items()
            if checkin.status != CheckInStatus.SENT
        }
        if others_sent_by is None and not waiting & others:
            others_sent_by = seconds
        if not waiting:
            break

    assert waiting == set()
    sent = {m.channel: m.ts for m in checkin_dms(fake_slack)}
    assert dms_by_owner(fake_slack) == Counter(AMBIGUOUS + OTHERS)  # each DM exactly once
    assert {c.recipient_id: c.message_ts for c in first_checkins(bot).values()} == {
        "U" + channel[1:]: ts for channel, ts in sent.items()
    }
    history = fake_slack.calls_to("conversations.history")
    looked = Counter(c.status for c in history)
    assert looked[200] == 20 and looked[429] < 4  # a page each; refused only at first
    assert failed_sends(bot) == []
    # the rate limit on sending held every send back five minutes; the one on history
    # held back only the sends that had to look
    assert others_sent_by is not None and others_sent_by <= 6 * 60
    print(f"settled by {seconds} s, the others sent by {others_sent_by} s")


def test_a_send_that_cannot_learn_whether_it_posted_fails_telling_admins_why_never_twice(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, AMBIGUOUS[:1])
    fake_slack.fail_next("chat.postMessage", status=500, applied=True)
    at(clock, bot, MONDAY_10AM_LA)
    fake_slack.fail_always("conversations.history", status=429, retry_after=60)

    moment = MONDAY_10AM_LA
    while moment < MONDAY_10AM_LA + LOOK_WITHIN + timedelta(minutes=5):
        moment += timedelta(minutes=10)
        at(clock, bot, moment)

    assert dms_by_owner(fake_slack) == Counter(AMBIGUOUS[:1])
    [failed] = failed_sends(bot)
    assert failed.note is not None and "could not be checked" in failed.note
    [checkin] = first_checkins(bot).values()
    assert checkin.status == CheckInStatus.MISSED
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    fake_slack.open_home("U0ADMIN")
    assert bot.wait_idle()
    shown = json.dumps(fake_slack.home["U0ADMIN"])
    assert "What I couldn't send lately" in shown and "A check-in DM" in shown
    assert "could not be checked" in shown
    assert payload_problems("views.publish", {"view": fake_slack.home["U0ADMIN"]}) == []


def test_a_dm_whose_earlier_attempt_never_posted_is_sent_after_one_look(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, AMBIGUOUS[:1])
    fake_slack.limit_history(per_minute=1, page=15)
    fake_slack.fail_next("chat.postMessage", status=500)  # did not land
    at(clock, bot, MONDAY_10AM_LA)
    clock.set(MONDAY_10AM_LA + timedelta(minutes=2))
    fake_slack.add_messages(AMBIGUOUS[0], 40)  # after the attempt, outside its window

    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=3))

    assert dms_by_owner(fake_slack) == Counter(AMBIGUOUS[:1])
    assert len(fake_slack.calls_to("conversations.history")) == 1


def test_a_post_that_could_land_after_its_claim_runs_out_is_not_started(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    assert bot.runner.lease > 2 * LONGEST_POST_IN_FLIGHT  # what exactly-once rests on
    now = clock.now()
    late = Job(1, SEND, TEAM_ID, None, None, None, "key", 1, now, claim_ends=now + timedelta(9))
    work = Work(late, bot.deps, bot.deliveries, bot.runner)
    closing = replace(late, claim_ends=now + LONGEST_POST_IN_FLIGHT - timedelta(seconds=1))

    work.post_once("U0ALICE", {"text": "Hello"})
    with pytest.raises(Later):
        Work(closing, bot.deps, bot.deliveries, bot.runner).post_once("U0ALICE", {"text": "Hi"})

    assert [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")] == ["Hello"]


def test_a_look_that_takes_pages_under_the_limits_carries_on_where_it_stopped(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, AMBIGUOUS[:1])
    fake_slack.limit_history(per_minute=1, page=15)
    fake_slack.fail_next("chat.postMessage", status=500, applied=True)
    at(clock, bot, MONDAY_10AM_LA)
    fake_slack.add_messages(AMBIGUOUS[0], 40)  # in the same second: inside the window

    moment = MONDAY_10AM_LA
    while first_checkins(bot)[AMBIGUOUS[0]].status != CheckInStatus.SENT:
        assert moment < MONDAY_10AM_LA + timedelta(minutes=5), "the look never ended"
        moment += timedelta(seconds=30)
        at(clock, bot, moment)

    assert dms_by_owner(fake_slack) == Counter(AMBIGUOUS[:1])
    pages = [c for c in fake_slack.calls_to("conversations.history") if c.status == 200]
    assert len(pages) == 3  # forty-one messages, fifteen a page, none read twice
