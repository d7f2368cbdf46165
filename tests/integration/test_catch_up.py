"""Catching up after downtime: what is posted in the deal channel while Serve is stopped
reaches it through the channel's history when it starts, each post once, under both of
Slack's history regimes, with one replica or two."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.due_work.catch_up import read_channel
from bot.due_work.work import Work
from bot.runner import Job, Later
from bot.sandbox.fakeslack import TEAM_ID, FakeSlack, Message
from bot.sandbox.support import (
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    message_changed,
    tick_together,
)
from bot.services import catch_up
from bot.store import channel_reads
from bot.store.models import CheckIn, CheckInStatus, Deal, DealStatus, DueWork
from bot.views.deals import NOTICED_WHILE_AWAY, change_customer_modal

SATURDAY_NOON_LA = FRIDAY_5PM_LA + timedelta(hours=19)
BEFORE = FRIDAY_5PM_LA - timedelta(hours=1)


def deals_in(bot: RunningBot) -> list[Deal]:
    with bot.store.reading() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def checkins_in(bot: RunningBot) -> list[CheckIn]:
    with bot.store.reading() as session:
        return list(session.scalars(select(CheckIn).order_by(CheckIn.deal_id, CheckIn.stage)))


def replies_to(fake: FakeSlack, post: Message) -> list[Message]:
    return [m for m in fake.messages[DEALS_CHANNEL] if m.thread_ts == post.ts and m.bot_id]


def history_calls(fake: FakeSlack) -> Counter[int]:
    return Counter(c.status for c in fake.calls_to("conversations.history"))


def ran_and_stopped(
    start_bot: Callable[..., RunningBot], clock: ManualClock, **options: Any
) -> None:
    """Serve runs a while in the workspace, learning its deal channel, then stops."""
    clock.set(BEFORE)
    running = start_bot(**options)
    running.tick()
    running.stop()


def settle(clock: ManualClock, *bots: RunningBot, step: timedelta, most: int) -> int:
    """Tick (every replica together) and move the clock by `step` until nothing is due
    now; how many steps that took."""
    for steps in range(most):
        tick_together(*bots)
        tick_together(*bots)  # what the first queued (a reply) goes out
        with bots[0].store.reading() as session:
            due = session.scalars(
                select(DueWork).where(
                    DueWork.status.in_(["todo", "doing"]), DueWork.due_at <= clock.now()
                )
            ).all()
            waiting = session.scalars(
                select(DueWork).where(
                    DueWork.kind == catch_up.CATCH_UP, DueWork.status.in_(["todo", "doing"])
                )
            ).all()
        if not due and not waiting:
            return steps
        clock.set(clock.now() + step)
    raise AssertionError(f"still catching up after {most} steps")


def test_a_deal_posted_while_stopped_is_caught_up_on_start_once_with_its_reply_and_checkins(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock)
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(
        DEALS_CHANNEL, "Closed Acme Corp! 2-year deal :tada:", user="U0ALICE"
    )
    clock.set(SATURDAY_NOON_LA)

    bot = start_bot()
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    [deal] = deals_in(bot)
    assert (deal.customer, deal.owner_id, deal.caught_up) == ("Acme Corp", "U0ALICE", True)
    assert abs(deal.closed_at - FRIDAY_5PM_LA) < timedelta(seconds=1)  # the post's own time
    [reply] = replies_to(fake_slack, post)
    assert NOTICED_WHILE_AWAY in reply.text and NOTICED_WHILE_AWAY in json.dumps(reply.blocks)
    first = checkins_in(bot)[0]
    assert first.due_at == MONDAY_10AM_LA  # three days after the post, not after the start
    assert history_calls(fake_slack) == Counter({200: 1})

    event = {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
    fake_slack.send_event(event, retry_attempt=3)  # Slack's last retry, late
    assert bot.wait_idle()
    bot.tick()
    assert len(deals_in(bot)) == 1 and len(replies_to(fake_slack, post)) == 1


def test_a_deal_heard_live_is_not_caught_up_again_and_a_plain_restart_costs_one_call(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot()
    bot.tick()
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Signed Globex, $12k :tada:", user="U0BOB")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()
    bot.stop()
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=2))

    again = start_bot()
    settle(clock, again, step=timedelta(seconds=30), most=3)

    [deal] = deals_in(again)
    assert deal.caught_up is False
    [reply] = replies_to(fake_slack, post)
    assert NOTICED_WHILE_AWAY not in reply.text
    assert history_calls(fake_slack) == Counter({200: 1})


def test_check_ins_that_fell_due_while_serve_was_away_are_sent_on_its_return(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock)
    clock.set(FRIDAY_5PM_LA)
    fake_slack.post_as_user(DEALS_CHANNEL, "Closed Initech :rocket:", user="U0ALICE")
    clock.set(MONDAY_10AM_LA + timedelta(hours=2))

    bot = start_bot()
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    first = checkins_in(bot)[0]
    assert (first.stage, first.status) == (0, CheckInStatus.SENT)
    assert [m.text for m in fake_slack.messages["D0ALICE"]] == ["Time to check in with Initech."]


def test_two_replicas_starting_together_catch_up_once(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock)
    clock.set(FRIDAY_5PM_LA)
    posts = [
        fake_slack.post_as_user(DEALS_CHANNEL, f"Closed Customer{n} :tada:", user="U0ALICE")
        for n in range(5)
    ]
    clock.set(SATURDAY_NOON_LA)

    one, two = start_bot(), start_bot()
    settle(clock, one, two, step=timedelta(seconds=30), most=3)

    assert sorted(d.customer for d in deals_in(one)) == [f"Customer{n}" for n in range(5)]
    assert [len(replies_to(fake_slack, post)) for post in posts] == [1] * 5
    # one window; and one more, from the fresh mark, if the first replica's window began
    # before the second replica asked for its own
    assert history_calls(fake_slack) in (Counter({200: 1}), Counter({200: 2}))
    with one.store.reading() as session:
        rows = session.scalars(select(DueWork).where(DueWork.kind == catch_up.CATCH_UP)).all()
    assert [(r.recipient, r.status) for r in rows] == [(DEALS_CHANNEL, "done")]


def test_under_the_distributed_app_limits_two_replicas_read_a_page_a_minute_never_refused(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock, history_rate="limited")
    fake_slack.limit_history(per_minute=1, page=15)
    clock.set(FRIDAY_5PM_LA)
    posts = []
    for n in range(4):
        fake_slack.add_messages(DEALS_CHANNEL, 10, "lunch at noon?", as_bot=False, user="U0BOB")
        posts.append(
            fake_slack.post_as_user(DEALS_CHANNEL, f"Closed Customer{n} :tada:", user="U0ALICE")
        )
    clock.set(SATURDAY_NOON_LA)
    started = clock.now()

    one, two = start_bot(history_rate="limited"), start_bot(history_rate="limited")
    settle(clock, one, two, step=timedelta(seconds=30), most=12)

    assert sorted(d.customer for d in deals_in(one)) == [f"Customer{n}" for n in range(4)]
    assert [len(replies_to(fake_slack, post)) for post in posts] == [1] * 4
    # 44 posts, 15 a page, none refused (and a page more if the replicas' starts were apart)
    assert history_calls(fake_slack) in (Counter({200: 3}), Counter({200: 4}))
    reads = [c.at for c in fake_slack.calls_to("conversations.history") if c.at]
    assert all(b - a >= timedelta(minutes=1) for a, b in pairwise(reads))
    assert clock.now() - started <= timedelta(minutes=4)


def test_under_the_limits_a_page_slow_on_the_way_spaces_the_next_from_its_arrival(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock, history_rate="limited")
    fake_slack.limit_history(per_minute=1, page=15)
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Globex :tada:", user="U0ALICE")
    fake_slack.add_messages(DEALS_CHANNEL, 20, "weekly sync", as_bot=False, user="U0BOB")
    clock.set(SATURDAY_NOON_LA)
    bot = start_bot(history_rate="limited")
    fake_slack.hold("conversations.history", until_in_flight=2, timeout=10)
    first = threading.Thread(target=bot.tick)
    first.start()
    assert fake_slack.wait_in_flight("conversations.history", 1)
    clock.set(SATURDAY_NOON_LA + timedelta(seconds=40))  # Slack gets the call late
    fake_slack.release("conversations.history")
    first.join(timeout=10)
    assert not first.is_alive()

    settle(clock, bot, step=timedelta(seconds=30), most=12)

    assert [d.customer for d in deals_in(bot)] == ["Globex"]
    assert len(replies_to(fake_slack, post)) == 1
    assert history_calls(fake_slack) == Counter({200: 2})  # none refused
    reads = [c.at for c in fake_slack.calls_to("conversations.history") if c.at]
    assert reads[0] == SATURDAY_NOON_LA + timedelta(seconds=40)
    assert all(b - a >= catch_up.HISTORY_SPACING for a, b in pairwise(reads))


def test_two_deal_channels_under_the_limits_take_turns_at_a_call_a_minute(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0WINS", "wins", members=["U0ALICE", "U0BOB"])
    limited = {"history_rate": "limited", "deal_channels": (DEALS_CHANNEL, "C0WINS")}
    ran_and_stopped(start_bot, clock, **limited)
    fake_slack.limit_history(per_minute=1, page=15)
    clock.set(FRIDAY_5PM_LA)
    for channel, customer in ((DEALS_CHANNEL, "Globex"), ("C0WINS", "Initech")):
        fake_slack.post_as_user(channel, f"Closed {customer} :tada:", user="U0ALICE")
        fake_slack.add_messages(channel, 20, "weekly sync", as_bot=False, user="U0BOB")
    clock.set(SATURDAY_NOON_LA)

    bot = start_bot(**limited)
    settle(clock, bot, step=timedelta(seconds=30), most=12)

    assert sorted(d.customer for d in deals_in(bot)) == ["Globex", "Initech"]
    assert history_calls(fake_slack) == Counter({200: 4})  # two pages a channel, none refused
    reads = [c.at for c in fake_slack.calls_to("conversations.history") if c.at]
    assert all(b - a >= timedelta(minutes=1) for a, b in pairwise(reads))


def test_a_restart_in_the_middle_of_a_catch_up_carries_on_from_its_page(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock, history_rate="limited")
    fake_slack.limit_history(per_minute=1, page=15)
    clock.set(FRIDAY_5PM_LA)
    oldest = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Oldest Corp :tada:", user="U0ALICE")
    fake_slack.add_messages(DEALS_CHANNEL, 40, "standup notes", as_bot=False, user="U0BOB")
    clock.set(SATURDAY_NOON_LA)
    first = start_bot(history_rate="limited")
    first.tick()  # a page, then a minute's wait
    first.stop()
    assert history_calls(fake_slack) == Counter({200: 1})
    clock.set(SATURDAY_NOON_LA + timedelta(minutes=10))

    second = start_bot(history_rate="limited")
    settle(clock, second, step=timedelta(seconds=30), most=12)

    [deal] = deals_in(second)
    assert deal.customer == "Oldest Corp" and len(replies_to(fake_slack, oldest)) == 1
    # the window's two pages left, then the ten minutes since: none read twice
    assert history_calls(fake_slack) == Counter({200: 4})


def test_edits_and_deletions_made_while_stopped_are_applied(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot()
    bot.tick()
    posts = []
    for text in ("Closed Acme Corp :tada:", "Closed Globex :tada:", "Closed Initech :tada:"):
        post = fake_slack.post_as_user(DEALS_CHANNEL, text, user="U0ALICE")
        fake_slack.send_event(
            {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
        )
        posts.append(post)
    assert bot.wait_idle()
    bot.tick()
    bot.stop()
    acme, globex, initech = posts
    clock.set(FRIDAY_5PM_LA + timedelta(hours=1))
    fake_slack.edit_as_user(DEALS_CHANNEL, acme.ts, "Closed Acme Industries :tada:")
    fake_slack.delete_message(DEALS_CHANNEL, globex.ts)
    fake_slack.edit_as_user(DEALS_CHANNEL, initech.ts, "Initech might close next week")
    clock.set(FRIDAY_5PM_LA + timedelta(hours=2))

    again = start_bot()
    settle(clock, again, step=timedelta(seconds=30), most=3)

    found = {d.message_ts: d for d in deals_in(again)}
    assert (found[acme.ts].customer, found[acme.ts].status) == ("Acme Industries", "active")
    assert found[globex.ts].status == DealStatus.DELETED
    assert found[initech.ts].status == DealStatus.RETRACTED
    redrawn = {c.args["ts"]: c.args["text"] for c in fake_slack.calls_to("chat.update")}
    assert "Acme Industries" in redrawn[found[acme.ts].reply_ts]
    assert "announcement was deleted" in redrawn[found[globex.ts].reply_ts]
    assert "no longer reads as a closed deal" in redrawn[found[initech.ts].reply_ts]
    assert len(deals_in(again)) == 3


def test_an_edit_read_again_after_a_later_change_is_not_applied_again(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot()
    bot.tick()
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()
    bot.stop()
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=1))
    fake_slack.edit_as_user(DEALS_CHANNEL, post.ts, "Closed Acme Industries :tada:")
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=2))
    again = start_bot()
    settle(clock, again, step=timedelta(seconds=30), most=3)
    [deal] = deals_in(again)
    assert deal.customer == "Acme Industries"
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=3))
    renamed = {"customer": {"value": {"type": "plain_text_input", "value": "Acme Industries Ltd"}}}
    fake_slack.submit("U0ALICE", change_customer_modal(deal), renamed)
    assert again.wait_idle()
    again.stop()
    clock.set(FRIDAY_5PM_LA + timedelta(minutes=4))

    third = start_bot()
    settle(clock, third, step=timedelta(seconds=30), most=3)

    [deal] = deals_in(third)
    assert deal.customer == "Acme Industries Ltd"  # the person's change followed the edit


def test_a_post_delivered_by_its_event_while_the_catch_up_reads_makes_one_deal(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock)
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Hooli :tada:", user="U0ALICE")
    clock.set(SATURDAY_NOON_LA)
    bot = start_bot()
    event = {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
    fake_slack.send_event(event, wait_ack=False)
    bot.tick()
    assert bot.wait_idle()
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    assert [d.customer for d in deals_in(bot)] == ["Hooli"]
    assert len(replies_to(fake_slack, post)) == 1


@pytest.mark.parametrize("chosen", [("deals",), ()], ids=["by name", "every channel"])
def test_deal_channels_named_or_left_to_the_bots_channels_are_found_then_caught_up(
    fake_slack: FakeSlack,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
    chosen: tuple[str, ...],
) -> None:
    ran_and_stopped(start_bot, clock, deal_channels=chosen)
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Vandelay :tada:", user="U0ALICE")
    clock.set(SATURDAY_NOON_LA)

    bot = start_bot(deal_channels=chosen)
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    assert [d.customer for d in deals_in(bot)] == ["Vandelay"]
    assert len(replies_to(fake_slack, post)) == 1


def test_a_channel_with_deals_from_before_serve_kept_marks_is_caught_up_from_the_newest(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot()
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()
    bot.stop()
    with bot.store.session() as session:  # as a Serve from before marks left it
        channel_reads.forget(session, TEAM_ID, DEALS_CHANNEL)
    clock.set(FRIDAY_5PM_LA + timedelta(hours=1))
    missed = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Globex :tada:", user="U0BOB")
    clock.set(SATURDAY_NOON_LA)

    again = start_bot()
    settle(clock, again, step=timedelta(seconds=30), most=3)

    assert [d.customer for d in deals_in(again)] == ["Acme Corp", "Globex"]
    assert len(replies_to(fake_slack, missed)) == 1 and len(replies_to(fake_slack, post)) == 1


def test_a_post_serve_is_unsure_of_made_while_stopped_is_asked_about_once(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock)
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "hooli said yes :tada:", user="U0BOB")
    clock.set(SATURDAY_NOON_LA)

    bot = start_bot()
    settle(clock, bot, step=timedelta(seconds=30), most=3)
    event = {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
    fake_slack.send_event(event, retry_attempt=2)
    assert bot.wait_idle()

    assert deals_in(bot) == []
    [asked] = fake_slack.ephemerals
    assert (asked["channel"], asked["user"]) == (DEALS_CHANNEL, "U0BOB")
    assert "closed deal" in json.dumps(asked["blocks"])


def test_a_channel_serve_never_watched_is_not_read_back(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.post_as_user(DEALS_CHANNEL, "Closed Umbrella :tada:", user="U0ALICE")
    clock.set(SATURDAY_NOON_LA)

    bot = start_bot()
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    assert deals_in(bot) == []
    assert fake_slack.calls_to("conversations.history") == []


def test_posts_older_than_the_catch_up_days_are_left_alone(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    ran_and_stopped(start_bot, clock, catch_up_days=2)
    clock.set(FRIDAY_5PM_LA)
    fake_slack.post_as_user(DEALS_CHANNEL, "Closed Globex :tada:", user="U0ALICE")
    clock.set(FRIDAY_5PM_LA + timedelta(days=3))
    fake_slack.post_as_user(DEALS_CHANNEL, "Closed Initech :tada:", user="U0ALICE")
    clock.set(FRIDAY_5PM_LA + timedelta(days=3, hours=1))

    bot = start_bot(catch_up_days=2)
    settle(clock, bot, step=timedelta(seconds=30), most=3)

    assert [d.customer for d in deals_in(bot)] == ["Initech"]


def test_an_edit_heard_live_is_marked_seen(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp :tada:", user="U0ALICE")
    clock.set(FRIDAY_5PM_LA + timedelta(hours=1))
    edit = message_changed(post, "Closed Acme Industries :tada:", event_ts=fake_slack.next_ts())
    fake_slack.send_event(edit)
    assert bot.wait_idle()

    with bot.store.reading() as session:
        read = channel_reads.known(session, TEAM_ID, DEALS_CHANNEL)
    assert read is not None
    assert abs(read.seen_to - (FRIDAY_5PM_LA + timedelta(hours=1))) < timedelta(seconds=1)


def test_a_long_catch_up_carries_on_in_a_fresh_claim_rather_than_outlast_its_own(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    now = clock.now()
    reading = catch_up.Window(catch_up.ts_of(now - timedelta(hours=1)), catch_up.ts_of(now), "0")
    job = Job(
        1,
        catch_up.CATCH_UP,
        TEAM_ID,
        None,
        catch_up.PERIOD,
        DEALS_CHANNEL,
        "key",
        1,
        now,
        progress={catch_up.WINDOW: reading.progress()},
        claim_ends=now + timedelta(seconds=30),
    )

    with pytest.raises(Later):
        read_channel(Work(job, bot.deps, bot.deliveries, bot.runner))

    assert fake_slack.calls_to("conversations.history") == []
