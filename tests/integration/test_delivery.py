"""Check-in DMs under Slack's faults: each exactly once, few calls, several at a time."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import TEAM_ID, FakeSlack, Message
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, at, close_deal, dms
from bot.store.models import CheckIn, CheckInStatus

CUSTOMERS = [f"Customer{n:02d}" for n in range(20)]
OWNERS = [f"U0P{n:02d}" for n in range(20)]


def close_deals(fake: FakeSlack, bot: RunningBot, clock: ManualClock, count: int) -> None:
    """`count` deals, each closed by a different owner, so each first check-in is a DM
    of its own (one person's check-ins due together would share one)."""
    clock.set(FRIDAY_5PM_LA)
    for n, customer in enumerate(CUSTOMERS[:count]):
        owner = OWNERS[n]
        fake.add_user(owner, f"owner{n:02d}", tz="America/Los_Angeles")
        close_deal(fake, bot, f"Closed {customer} :tada:", user=owner)


def all_dms(fake: FakeSlack) -> list[Message]:
    """Every check-in DM to the owners, oldest first."""
    found = [m for owner in OWNERS for m in dms(fake, "D" + owner[1:]) if m.metadata]
    return sorted(found, key=lambda m: float(m.ts))


def customers_in(messages: list[Any]) -> list[str]:
    return sorted(c for m in messages for c in CUSTOMERS if f"*{c}*" in json.dumps(m.blocks))


def checkins(bot: RunningBot) -> list[CheckIn]:
    with bot.store.session() as session:
        return list(session.scalars(select(CheckIn).where(CheckIn.stage == 0)))


def test_dropped_connections_and_server_errors_on_a_fifth_of_posts_send_every_dm_once(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 20)
    fake_slack.fail_some(
        "chat.postMessage",
        every=5,
        kinds=[
            {"drop": True, "applied": True},
            {"drop": True},
            {"status": 503, "applied": True},
            {"status": 500},
        ],
    )

    for minutes in range(0, 16):
        at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=minutes))

    faults = [c for c in fake_slack.calls_to("chat.postMessage") if c.status != 200]
    assert len(faults) >= 4
    sent = all_dms(fake_slack)
    assert customers_in(sent) == CUSTOMERS
    assert {(c.status, c.message_ts in {m.ts for m in sent}) for c in checkins(bot)} == {
        (CheckInStatus.SENT, True)
    }


def test_a_dm_buried_under_many_newer_messages_is_found_before_sending_again(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 1)
    fake_slack.fail_next("chat.postMessage", status=503, applied=True)
    at(clock, bot, MONDAY_10AM_LA)
    [first] = all_dms(fake_slack)
    fake_slack.add_messages(first.channel, 450)

    at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=1))

    assert [m.ts for m in all_dms(fake_slack) if m.metadata] == [first.ts]
    [checkin] = checkins(bot)
    assert (checkin.status, checkin.message_ts) == (CheckInStatus.SENT, first.ts)
    assert len(fake_slack.calls_to("conversations.history")) >= 2  # it read past one page


def test_in_steady_state_a_dm_costs_one_post(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 5)
    before = len(fake_slack.calls)

    at(clock, bot, MONDAY_10AM_LA)

    made = [c.method for c in fake_slack.calls[before:]]
    # no users.info (the directory is warm) and no conversations.open; the one users.list
    # is the workspace's slow re-read of everyone (its deals were days ago), not the DMs'
    assert sorted(made) == ["chat.postMessage"] * 5 + ["users.list"]


def test_a_profile_change_in_slack_reaches_the_bot_without_asking(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 1)
    at(clock, bot, MONDAY_10AM_LA)
    asked = len(fake_slack.calls_to("users.info"))

    fake_slack.set_profile(OWNERS[0], status_text="On vacation", status_emoji=":palm_tree:")
    assert bot.wait_idle()
    delivery = bot.deliveries.to(TEAM_ID)
    person = delivery.directory.person(delivery.client, OWNERS[0])

    assert person is not None and person.profile["status_text"] == "On vacation"
    assert len(fake_slack.calls_to("users.info")) == asked


def test_dms_are_sent_several_at_once(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 4)
    fake_slack.hold("chat.postMessage", until_in_flight=4, timeout=5)  # all four, or none

    at(clock, bot, MONDAY_10AM_LA)

    assert fake_slack.hold_timeouts == []
    assert fake_slack.max_in_flight("chat.postMessage") == 4
    assert customers_in(all_dms(fake_slack)) == CUSTOMERS[:4]


def test_sending_a_dm_costs_a_handful_of_sql_statements(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    close_deals(fake_slack, bot, clock, 12)
    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().split(None, 1)[0].upper() in {
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "WITH",
        }:
            statements.append(args[2])

    event.listen(bot.store.engine, "before_cursor_execute", count)
    try:
        at(clock, bot, MONDAY_10AM_LA)
    finally:
        event.remove(bot.store.engine, "before_cursor_execute", count)

    assert len(all_dms(fake_slack)) == 12
    # the check-in; gathering the DM (the check-in locked, others due soon); a message of
    # the week taken (the person held, the week counted, the message noted); marked sent,
    # its reminder planned, the work row ended, a share of the claim (and once, a row for
    # a person Serve has not written to before): eleven per DM at most,
    # however many DMs
    assert len(statements) <= 11 * 12, f"{len(statements)} statements:\n" + "\n".join(statements)
