"""The channels the settings name, checked in Slack before `servebot run` starts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import BOT_TOKEN, FakeSlack
from bot.sandbox.support import DEALS_CHANNEL
from bot.slack_api import listener_client
from bot.slack_setup import PAGE, RATE_LIMIT_WAITS, slack_setup_problems


def check(fake: FakeSlack, clock: ManualClock, **channels: Any) -> list[str]:
    settings = Settings(slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url, **channels)
    return slack_setup_problems(listener_client(settings, clock), settings, clock)


def test_channels_by_name_or_id_that_serve_is_in_pass(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.add_channel("C0TEAM", "team")

    problems = check(
        fake_slack,
        clock,
        deal_channels=("deals", DEALS_CHANNEL),
        team_channel="team",
        recognition_channel="C0TEAM",
    )

    assert problems == []
    assert len(fake_slack.calls_to("conversations.list")) == 1  # all names from one sweep


def test_a_name_on_a_later_page_is_found_paging_two_hundred_at_a_time(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    for n in range(PAGE + 50):
        fake_slack.add_channel(f"C0MANY{n:03d}", f"many-{n:03d}")
    fake_slack.add_channel("C0LAST", "last")

    assert check(fake_slack, clock, team_channel="last") == []

    pages = fake_slack.calls_to("conversations.list")
    assert [int(call.args["limit"]) for call in pages] == [PAGE, PAGE]
    assert pages[1].args["cursor"] == pages[0].response["response_metadata"]["next_cursor"]


def test_each_channel_that_is_missing_or_lacks_serve_is_one_problem(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.add_channel("C0OUT", "outside", bot_is_member=False)
    fake_slack.add_channel("C0SECRET", "secret", bot_is_member=False, is_private=True)
    fake_slack.add_channel("C0OLD", "old")
    fake_slack.channels["C0OLD"]["is_archived"] = True

    problems = check(
        fake_slack,
        clock,
        deal_channels=("deals", "nope", "C0NOPE", "secret"),
        team_channel="outside",
        recognition_channel="C0OLD",
    )

    assert problems == [
        "DEAL_CHANNELS names #nope, which Serve cannot find: check the name, and invite "
        "Serve to a private channel first (/invite @Serve)",
        "DEAL_CHANNELS names C0NOPE, which Serve cannot find: check the name, and invite "
        "Serve to a private channel first (/invite @Serve)",
        "DEAL_CHANNELS names #secret, which Serve cannot find: check the name, and invite "
        "Serve to a private channel first (/invite @Serve)",
        "TEAM_CHANNEL names #outside, which Serve is not in: /invite @Serve there",
        "RECOGNITION_CHANNEL names C0OLD, which is archived",
    ]


def test_a_rate_limited_list_waits_out_retry_after_on_the_clock(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.fail_next("conversations.list", status=429, retry_after=20)
    started = clock.now()

    assert check(fake_slack, clock, team_channel="random") == []

    assert clock.now() - started == timedelta(seconds=20)
    assert [c.status for c in fake_slack.calls_to("conversations.list")] == [429, 200]


def test_a_list_that_stays_rate_limited_gives_up_after_a_few_waits(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.fail_always("conversations.list", status=429, retry_after=30)

    with pytest.raises(SlackApiError):
        check(fake_slack, clock, team_channel="random")

    assert len(fake_slack.calls_to("conversations.list")) == RATE_LIMIT_WAITS + 1


def test_a_refused_token_is_one_problem_naming_it(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.fail_next("auth.test", error="invalid_auth")

    assert check(fake_slack, clock, team_channel="random") == [
        "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"
    ]
