"""What a deal post costs the database, counted rather than timed: the listener records
the deal, plans its check-ins and queues its reply in one unit of work; the runner reads
what the reply needs at once and records the reply and ends its work in one more."""

from __future__ import annotations

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    close_deal,
    columns_built,
    round_trips,
)


def test_a_deal_post_is_one_unit_of_work_and_its_reply_one_more(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Initech Corp :tada:")  # the workspace's row, people
    post = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Acme Corp, 2-year plan :tada:", "U0ALICE")
    with round_trips(bot.store) as listener:
        fake_slack.send_event(
            {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
        )
        assert bot.wait_idle()
    with round_trips(bot.store) as runner:
        bot.tick()
    with round_trips(bot.store) as idle:
        bot.tick()
    replies = [m for m in fake_slack.messages[DEALS_CHANNEL] if m.thread_ts == post.ts != m.ts]
    assert len(replies) == 1
    # the workspace's examples as read a moment ago, for the first deal; one unit of work:
    # the workspace held, the webhook deals nearby looked at, the deal, its check-ins and
    # their due work written
    assert listener.commits == 1, listener
    assert len(listener.statements) <= 8, listener
    # beyond an idle tick: the claim that found the reply; what it draws read at once;
    # the reply and its work's end written together
    assert runner.commits - idle.commits == 3, (runner, idle)
    assert len(runner.statements) - len(idle.statements) <= 8, (runner, idle)
    assert fake_slack.calls_to("chat.getPermalink") == []


def test_a_deal_post_and_its_reply_build_no_table_columns(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Initech Corp :tada:")  # every statement's shape seen
    with columns_built() as built:
        close_deal(fake_slack, bot, "Closed Acme Corp, 2-year plan :tada:")
    assert built == []
