"""A thousand check-ins through a Slack that answers one post in four with a fault: each
is sent exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.people import planning
from bot.sandbox.fakeslack import TEAM_ID, FakeSlack
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA, MONDAY_10AM_LA, checkin_dms
from bot.services import deals

OWNERS = [f"U0P{n:04d}" for n in range(1000)]
# One chat.postMessage in four fails, in turn: 20% of them with 429 and Retry-After, 5%
# with a 500, and half of those 500s after the message was posted.
FAULTS = [
    *[{"status": 429, "retry_after": 1}] * 4,
    {"status": 500, "applied": True},
    *[{"status": 429, "retry_after": 2}] * 4,
    {"status": 500},
]


def test_a_thousand_checkins_through_429s_and_500s_are_each_sent_exactly_once(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    for owner in OWNERS:
        fake_slack.add_user(owner, owner.lower(), tz="America/Los_Angeles")
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot(dispatch_interval_seconds=3600)
    plans = planning(bot.deps, bot.client, TEAM_ID)
    for n, owner in enumerate(OWNERS):  # a thousand closed deals, recorded as if posted
        post = fake_slack.post_as_user(DEALS_CHANNEL, f"Closed Customer{n:04d} :tada:", user=owner)
        closed = deals.capture_deal(
            bot.store, clock, TEAM_ID, DEALS_CHANNEL, post.as_event(), plans
        )
        assert closed.change == deals.Change.RECORDED and len(closed.planned) == 4
    bot.tick()  # the deals' thread replies go out before the faults begin
    fake_slack.fail_some("chat.postMessage", every=4, kinds=FAULTS)

    everyone_at = None
    for second in range(0, 3600, 5):  # up to an hour, a tick every five seconds
        clock.set(MONDAY_10AM_LA + timedelta(seconds=second))
        bot.tick()
        reached = {m.channel for m in checkin_dms(fake_slack)}
        if everyone_at is None and len(reached) == len(OWNERS):
            everyone_at = second
        if everyone_at is not None and second >= everyone_at + 300:
            break  # five more minutes, for any retry that would send one twice

    posts = fake_slack.calls_to("chat.postMessage")
    faults = Counter(call.status for call in posts if call.status != 200)
    sent = Counter(m.channel for m in checkin_dms(fake_slack))
    seen = f"faults {dict(faults)}, {len(sent)} reached, all by {everyone_at} s"
    assert faults[429] >= 250 and faults[500] >= 50, seen  # the faults happened
    assert max(sent.values()) == 1, seen  # none twice
    assert len(sent) == len(OWNERS), seen  # none lost
    assert everyone_at is not None, seen
