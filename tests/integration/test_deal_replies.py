"""A deal's thread reply is due work: the listener stores the deal and queues its reply in
one unit of work, and the runner posts it once, records it, and retries it through
Slack's faults, so no reply is lost, doubled or posted without the bot knowing."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import slack_api
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA, message_changed
from bot.store.models import Deal, DealStatus, DueWork, WorkStatus

# One chat.postMessage in three fails, the kinds in turn: of every 42 posts, 8 answer 429
# (20% of them), 2 a 500 (5%, one after the post landed), 2 drop the connection (5%, one
# after the post landed) and 2 land after the client gave up waiting (5%).
TIMEOUT = 1
FAULTS: list[dict[str, Any]] = [
    {"status": 429, "retry_after": 1},
    {"status": 429, "retry_after": 2},
    {"status": 500, "applied": True},
    {"status": 429, "retry_after": 1},
    {"drop": True, "applied": True},
    {"status": 429, "retry_after": 3},
    {"delay": TIMEOUT + 0.5},
    {"status": 429, "retry_after": 1},
    {"status": 500},
    {"status": 429, "retry_after": 2},
    {"drop": True},
    {"status": 429, "retry_after": 1},
    {"delay": TIMEOUT + 0.5},
    {"status": 429, "retry_after": 5},
]


def post_deal(fake: FakeSlack, bot: RunningBot, text: str, user: str = "U0ALICE") -> Message:
    post = fake.post_as_user(DEALS_CHANNEL, text, user=user)
    fake.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    return post


def tick(fake: FakeSlack, bot: RunningBot) -> None:
    """Run what is due, then let any post Slack is still taking in (one the client gave
    up waiting for) land, as it would long before the next tick."""
    bot.tick()
    assert fake.wait_for(lambda: fake.in_flight("chat.postMessage") == 0)


def deals_in(bot: RunningBot) -> list[Deal]:
    with bot.store.session() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def replies_in_thread(fake: FakeSlack, post: Message) -> list[Message]:
    return [m for m in fake.messages[DEALS_CHANNEL] if m.thread_ts == post.ts and m.ts != post.ts]


def reply_work(bot: RunningBot) -> list[DueWork]:
    with bot.store.session() as session:
        return list(session.scalars(select(DueWork).where(DueWork.kind == "deal_reply")))


@pytest.mark.slow  # a soak of a hundred posts: the quick tier has the single-fault tests
def test_a_hundred_deal_posts_through_slacks_faults_each_get_one_recorded_reply(
    fake_slack: FakeSlack,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(slack_api, "TIMEOUT_SECONDS", TIMEOUT)
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot(dispatch_interval_seconds=3600)
    fake_slack.fail_some("chat.postMessage", every=3, kinds=FAULTS)

    posts = [
        fake_slack.post_as_user(DEALS_CHANNEL, f"Closed Customer{n:03d} :tada:", user="U0ALICE")
        for n in range(100)
    ]
    for post in posts:
        fake_slack.send_event(
            {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}, wait_ack=False
        )
    assert fake_slack.wait_for(lambda: len(fake_slack.acks) == 100) and bot.wait_idle(30)
    settled_at = None
    for second in range(0, 1800, 5):  # up to half an hour, a tick every five seconds
        clock.set(FRIDAY_5PM_LA + timedelta(seconds=second))
        tick(fake_slack, bot)
        if settled_at is None and all(w.status == WorkStatus.DONE for w in reply_work(bot)):
            settled_at = second
        if settled_at is not None and second >= settled_at + 300:
            break  # five more minutes, for any retry that would post one twice

    faults = Counter(c.status for c in fake_slack.calls_to("chat.postMessage") if c.status != 200)
    seen = f"faults {dict(faults)}"
    assert faults[429] >= 20 and faults[500] >= 4 and faults[0] >= 4, seen
    deals = deals_in(bot)
    assert len(deals) == 100
    replies = {post.ts: replies_in_thread(fake_slack, post) for post in posts}
    assert Counter(len(r) for r in replies.values()) == {1: 100}, seen
    assert {d.reply_ts for d in deals} == {r[0].ts for r in replies.values()}
    for deal in deals:
        [reply] = replies[deal.message_ts or ""]
        assert deal.reply_ts == reply.ts and f"*{deal.customer}*" in json.dumps(reply.blocks)
    assert {w.status for w in reply_work(bot)} == {WorkStatus.DONE}
    failed = [r for r in caplog.records if r.name.startswith("bot.listeners") and r.exc_info]
    assert failed == []  # no listener tracebacks


def test_an_edit_before_the_reply_went_out_is_shown_in_the_reply(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    post = post_deal(fake_slack, bot, "Closed Acme, $10k")
    bot.tick()  # rate limited: the reply waits
    edit = message_changed(post, "Closed Acme Corp, $15k", ts="1763659999.000200")
    fake_slack.send_event(edit)
    assert bot.wait_idle()

    clock.advance(timedelta(seconds=30))
    bot.tick()

    [reply] = replies_in_thread(fake_slack, post)
    assert "*Acme Corp*" in json.dumps(reply.blocks) and "$15,000" in json.dumps(reply.blocks)
    [deal] = deals_in(bot)
    assert deal.reply_ts == reply.ts


def test_a_deal_deleted_before_its_reply_went_out_gets_no_reply(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.fail_next("chat.postMessage", status=503)
    post = post_deal(fake_slack, bot, "Closed Initech for €8k")
    bot.tick()  # the reply's first attempt fails; it is retried in 30 s
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": DEALS_CHANNEL,
        "channel_type": "channel",
        "deleted_ts": post.ts,
        "previous_message": post.as_event(),
        "ts": "1763659999.000100",
    }
    fake_slack.send_event(deleted)
    assert bot.wait_idle()

    clock.advance(timedelta(minutes=5))
    bot.tick()

    assert replies_in_thread(fake_slack, post) == []
    [deal] = deals_in(bot)
    assert (deal.status, deal.reply_ts) == (DealStatus.DELETED, None)
    [work] = reply_work(bot)
    assert work.status == WorkStatus.DONE and "removed" in (work.note or "")


def test_a_retracted_deal_brought_back_by_an_edit_gets_its_reply_then(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    post = post_deal(fake_slack, bot, "Closed Hooli :rocket:")
    bot.tick()
    fake_slack.send_event(message_changed(post, "Closing Hooli next week"))
    assert bot.wait_idle()
    clock.advance(timedelta(seconds=30))
    bot.tick()
    assert replies_in_thread(fake_slack, post) == []

    fake_slack.send_event(message_changed(post, "Closed Hooli! :rocket:"))
    assert bot.wait_idle()
    bot.tick()

    [reply] = replies_in_thread(fake_slack, post)
    assert "*Hooli*" in json.dumps(reply.blocks)
    assert deals_in(bot)[0].reply_ts == reply.ts


def test_a_reply_no_retry_can_mend_is_given_up_with_the_reason_stored(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.fail_always("chat.postMessage", error="channel_not_found")
    post_deal(fake_slack, bot, "Closed Soylent :tada:")
    bot.tick()
    clock.advance(timedelta(hours=2))
    bot.tick()

    [work] = reply_work(bot)
    assert work.status == WorkStatus.FAILED and "channel_not_found" in (work.note or "")
    assert work.attempts == 1
    [deal] = deals_in(bot)
    assert (deal.status, deal.reply_ts) == (DealStatus.ACTIVE, None)


def test_the_listener_itself_posts_nothing(fake_slack: FakeSlack, bot: RunningBot) -> None:
    assert bot.timer.ticked.wait(10)  # the start-up tick, on its own thread, has ended
    post_deal(fake_slack, bot, "Signed Globex! $12,500", user="U0BOB")
    assert fake_slack.calls_to("chat.postMessage") == []
    [work] = reply_work(bot)
    assert (work.status, work.subject_id) == (WorkStatus.TODO, deals_in(bot)[0].id)


def test_an_edit_while_the_reply_is_being_posted_is_drawn_over_it(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    post = post_deal(fake_slack, bot, "Closed Acme, $10k")
    fake_slack.hold("chat.postMessage", until_in_flight=2)  # the reply waits on Slack
    ticking = threading.Thread(target=bot.tick)
    ticking.start()
    assert fake_slack.wait_for(lambda: fake_slack.in_flight("chat.postMessage") == 1)
    fake_slack.send_event(message_changed(post, "Closed Acme Corp, $15k"))
    assert bot.wait_idle()
    fake_slack.release("chat.postMessage")
    ticking.join(10)

    [reply] = replies_in_thread(fake_slack, post)
    assert "$15,000" in json.dumps(reply.blocks) and "Acme Corp" in reply.text
    [deal] = deals_in(bot)
    assert deal.reply_ts == reply.ts
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["ts"] == reply.ts
