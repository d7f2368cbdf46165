"""What one DM costs in steady state (the directory warm, the first attempt, no faults):
at most two units of work, the claim's share included (the claim also takes each
person's week's message, so a DM's own is the one that records it sent as it ends the
claim), and at most eight statements to the database, the claim's included (one claim
takes several rows: its statement is shared out over the DMs it took); and one call to
Slack, the chat.postMessage itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    LA,
    MONDAY_10AM_LA,
    RoundTrips,
    at,
    checkin_dms,
    columns_built,
    round_trips,
)

PEOPLE = [f"U0SELLER{n:02d}" for n in range(20)]
TEAM = "C0TEAM"
THURSDAY_3PM_LA = datetime(2026, 11, 26, 15, 0, tzinfo=LA)
MOST_COMMITS_PER_DM = 2
MOST_STATEMENTS_PER_DM = 8


@pytest.fixture
def sellers(fake_slack: FakeSlack) -> Iterator[FakeSlack]:
    """Twenty people in the deal channel and the team channel, each with a deal to close."""
    for user in PEOPLE:
        fake_slack.add_user(user, user.lower(), tz="America/Los_Angeles")
    fake_slack.add_channel(DEALS_CHANNEL, "deals", members=PEOPLE)
    fake_slack.add_channel(TEAM, "team", members=PEOPLE)
    yield fake_slack


def each_closes_a_deal(fake: FakeSlack, bot: RunningBot) -> None:
    for n, user in enumerate(PEOPLE):
        post = fake.post_as_user(DEALS_CHANNEL, f"Closed Customer{n:02d} :tada:", user=user)
        fake.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()  # the deals' thread replies


@dataclass(frozen=True)
class PerDM:
    """What each DM added to the tick that sent them: statements (the claims' included,
    shared out over the DMs they took), commits of the DMs' own units of work, and the
    claims' commits shared out the same way."""

    statements: float
    commits: float
    claim_commits: float


def sent_at_once(fake: FakeSlack, bot: RunningBot, clock: ManualClock, due: datetime) -> RoundTrips:
    """Warm the directory a minute before `due`, then run what falls due at `due`,
    counting what the database is told meanwhile."""
    at(clock, bot, due - timedelta(minutes=1))
    clock.set(due)
    with round_trips(bot.store) as counted:
        bot.tick()
    return counted


def per_dm(bot: RunningBot, counted: RoundTrips, dms: int) -> PerDM:
    """`counted` less what a tick costs with nothing due (the workspaces read, the week
    and the day found planned, one claim that finds nothing), over the DMs."""
    assert dms == len(PEOPLE)
    with round_trips(bot.store) as idle:
        bot.tick()
    claims = counted.claims - idle.claims
    return PerDM(
        (len(counted.statements) - len(idle.statements)) / dms,
        (counted.commits - idle.commits - claims) / dms,
        claims / dms,
    )


def test_a_checkin_dm_in_steady_state_takes_two_commits_and_eight_statements(
    sellers: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    each_closes_a_deal(sellers, bot)

    counted = sent_at_once(sellers, bot, clock, MONDAY_10AM_LA)

    each = per_dm(bot, counted, len(checkin_dms(sellers)))
    assert each.commits + each.claim_commits <= MOST_COMMITS_PER_DM, each
    assert each.statements <= MOST_STATEMENTS_PER_DM, each


def test_a_story_prompt_in_steady_state_takes_two_commits_and_eight_statements(
    sellers: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(THURSDAY_3PM_LA - timedelta(days=3))
    bot = start_bot(team_channel="team")
    bot.tick()  # the week's prompts planned

    counted = sent_at_once(sellers, bot, clock, THURSDAY_3PM_LA)

    prompts = [m for m in checkin_dms(sellers) if m.text.startswith("Did you see someone help")]
    each = per_dm(bot, counted, len(prompts))
    assert each.commits + each.claim_commits <= MOST_COMMITS_PER_DM, each
    assert each.statements <= MOST_STATEMENTS_PER_DM, each


def test_story_prompts_build_table_columns_only_for_a_statement_s_first_use(
    sellers: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(THURSDAY_3PM_LA - timedelta(days=3))
    bot = start_bot(team_channel="team")
    bot.tick()  # the week's prompts planned
    at(clock, bot, THURSDAY_3PM_LA - timedelta(minutes=1))
    clock.set(THURSDAY_3PM_LA)

    with columns_built() as built:
        bot.tick()

    prompts = [m for m in checkin_dms(sellers) if m.text.startswith("Did you see someone help")]
    assert len(prompts) == len(PEOPLE)
    assert max(Counter(built).values(), default=0) < len(prompts), built  # none per prompt


def test_a_known_person_gets_a_dm_without_users_info(
    sellers: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    each_closes_a_deal(sellers, bot)
    at(clock, bot, MONDAY_10AM_LA - timedelta(minutes=1))  # the directory read again
    before = len(sellers.calls)

    at(clock, bot, MONDAY_10AM_LA)

    assert len(checkin_dms(sellers)) == len(PEOPLE)
    assert [call.method for call in sellers.calls[before:]] == ["chat.postMessage"] * len(PEOPLE)
