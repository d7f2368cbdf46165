"""Many workspaces: installed through OAuth at /slack/install, each spoken to with its own
token (refreshed when tokens rotate); an uninstall stops a workspace's sends at once and
its data goes after the grace period, unless it installs the app again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.listeners.inbound import clean_text
from bot.sandbox.fakeslack import CLIENT_ID, CLIENT_SECRET, Call, FakeSlack
from bot.sandbox.fakeslack.http_delivery import SIGNING_SECRET, post_event
from bot.sandbox.support import (
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    hostile_text,
    install_through_oauth,
)
from bot.services import installs
from bot.store.db import Store
from bot.store.installations import TABLES
from bot.store.models import CheckIn, Deal, DueWork, Workspace

ACME, BETA = "T0ACME", "T0BETA"
PEOPLE = {ACME: "U0ANNA", BETA: "U0BORIS"}
DEALS = {ACME: "C0DEALSA", BETA: "C0DEALSB"}
ROTATING = 600  # seconds a token lives in a workspace with token rotation on
GRACE_DAYS = 30


@pytest.fixture
def workspaces(fake_slack: FakeSlack) -> FakeSlack:
    for team, user in PEOPLE.items():
        fake_slack.add_user(user, user.lower(), tz="America/Los_Angeles", team=team)
        fake_slack.add_channel(DEALS[team], "deals", members=[user], team=team)
    return fake_slack


@pytest.fixture
def many(settings: Settings, clock: ManualClock, workspaces: FakeSlack) -> Iterator[RunningBot]:
    clock.set(FRIDAY_5PM_LA)
    served = replace(
        settings,
        slack_bot_token="",
        slack_app_token="",
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        uninstall_grace_days=GRACE_DAYS,
        deal_channels=tuple(DEALS.values()),
        port=0,
    )
    bot = RunningBot(served, clock, "http").start()
    yield bot
    bot.stop(grace=1.0)


def base(bot: RunningBot) -> str:
    assert bot.web is not None
    return f"http://127.0.0.1:{bot.web.port}"


def install(bot: RunningBot, fake: FakeSlack, team: str, lifetime: int | None = None) -> None:
    install_through_oauth(base(bot), fake, team, PEOPLE[team], lifetime)


def event(bot: RunningBot, fake: FakeSlack, team: str, body: dict[str, Any]) -> None:
    stamp = int(bot.clock.now().timestamp())  # Slack signs by its clock, the injected one
    answer = post_event(
        f"{base(bot)}/slack/events", fake.event_callback(body, team=team), timestamp=stamp
    )
    assert answer.status == 200, answer.body
    assert bot.wait_idle()


def close_deal(bot: RunningBot, fake: FakeSlack, team: str, customer: str) -> None:
    post = fake.post_as_user(DEALS[team], f"Closed {customer} :tada:", user=PEOPLE[team])
    event(bot, fake, team, {**post.as_event(), "channel": DEALS[team], "channel_type": "channel"})


def dm_posts(fake: FakeSlack, team: str) -> list[Call]:
    """Check-in DMs (not their reminders, which are thread replies) to the team's person."""
    person = PEOPLE[team]
    return [
        call
        for call in fake.calls_to("chat.postMessage")
        if call.status == 200
        and call.response.get("ok")
        and call.args.get("channel") in (person, "D" + person[1:])
        and not call.args.get("thread_ts")
    ]


def rows(bot: RunningBot, team: str) -> dict[str, int]:
    counts = {}
    with bot.store.reading() as session:
        for model in (Deal, CheckIn, Workspace):
            counts[model.__tablename__] = int(
                session.scalar(select(func.count()).select_from(model).where(model.team_id == team))
                or 0
            )
        for table in TABLES.sorted_tables:
            if "team_id" in table.c:
                counts[table.name] = int(
                    session.scalar(
                        select(func.count()).select_from(table).where(table.c.team_id == team)
                    )
                    or 0
                )
        counts["open due work"] = int(
            session.scalar(
                select(func.count())
                .select_from(DueWork)
                .where(DueWork.team_id == team, DueWork.status.in_(("todo", "doing")))
            )
            or 0
        )
    return counts


def at(clock: ManualClock, bot: RunningBot, moment: datetime) -> None:
    clock.set(moment)
    bot.tick()


def test_two_workspaces_installed_through_oauth_each_get_dms_with_their_own_token(
    workspaces: FakeSlack, many: RunningBot, clock: ManualClock
) -> None:
    install(many, workspaces, ACME, lifetime=ROTATING)
    install(many, workspaces, BETA)
    close_deal(many, workspaces, ACME, "Initech")
    close_deal(many, workspaces, BETA, "Globex")

    at(clock, many, MONDAY_10AM_LA)

    [to_acme], [to_beta] = dm_posts(workspaces, ACME), dm_posts(workspaces, BETA)
    first_acme_token, *refreshed = workspaces.tokens_of(ACME)
    assert to_acme.token in refreshed  # Acme's token rotates: a fresh one was fetched
    assert to_acme.token != first_acme_token
    assert workspaces.tokens_of(BETA) == [to_beta.token]
    assert "Initech" in str(to_acme.args) and "Globex" in str(to_beta.args)
    with many.store.reading() as session:
        names = dict(session.execute(select(Workspace.team_id, Workspace.name)).all())
    assert names == {ACME: "T0ACME Inc", BETA: "T0BETA Inc"}


def test_an_uninstalled_workspace_is_sent_nothing_and_its_data_goes_after_the_grace_period(
    workspaces: FakeSlack, many: RunningBot, clock: ManualClock
) -> None:
    install(many, workspaces, ACME)
    install(many, workspaces, BETA)
    close_deal(many, workspaces, ACME, "Initech")
    close_deal(many, workspaces, BETA, "Globex")
    at(clock, many, MONDAY_10AM_LA)
    assert len(dm_posts(workspaces, BETA)) == 1

    workspaces.uninstall(BETA)
    event(many, workspaces, BETA, {"type": "app_uninstalled"})
    for day in range(1, 40):  # the next check-in (day 14) falls in here for both
        at(clock, many, MONDAY_10AM_LA + timedelta(days=day))
        if day == GRACE_DAYS - 1:
            kept = rows(many, BETA)

    assert len(dm_posts(workspaces, ACME)) >= 2
    assert len(dm_posts(workspaces, BETA)) == 1  # nothing after the uninstall
    assert kept["deals"] == 1 and kept["checkins"] >= 1  # kept through the grace period
    assert kept["slack_bots"] == kept["slack_installations"] == 0  # tokens gone at once
    assert set(rows(many, BETA).values()) == {0}
    assert rows(many, ACME)["deals"] == 1
    assert rows(many, ACME)["slack_bots"] == 1
    # the fake's fixture also checks no call used Beta's revoked token


def test_a_workspace_that_installs_again_within_the_grace_period_keeps_its_data(
    workspaces: FakeSlack, many: RunningBot, clock: ManualClock
) -> None:
    install(many, workspaces, BETA)
    close_deal(many, workspaces, BETA, "Globex")
    at(clock, many, MONDAY_10AM_LA)
    workspaces.uninstall(BETA)
    event(many, workspaces, BETA, {"type": "tokens_revoked", "tokens": {"bot": ["U0SERVEBOT"]}})
    at(clock, many, MONDAY_10AM_LA + timedelta(days=12))

    install(many, workspaces, BETA)
    for day in range(13, GRACE_DAYS + 5):
        at(clock, many, MONDAY_10AM_LA + timedelta(days=day))

    assert rows(many, BETA)["deals"] == 1
    assert len(dm_posts(workspaces, BETA)) == 2  # the day-14 check-in came, with the new token
    assert dm_posts(workspaces, BETA)[-1].token == workspaces.tokens_of(BETA)[-1]


def test_events_from_a_workspace_that_never_installed_change_nothing(
    workspaces: FakeSlack, many: RunningBot
) -> None:
    install(many, workspaces, ACME)
    post = workspaces.post_as_user(DEALS[BETA], "Closed Globex :tada:", user=PEOPLE[BETA])
    body = {**post.as_event(), "channel": DEALS[BETA], "channel_type": "channel"}

    stamp = int(many.clock.now().timestamp())
    callback = workspaces.event_callback(body, team=BETA)
    answer = post_event(f"{base(many)}/slack/events", callback, timestamp=stamp)

    assert many.wait_idle()
    assert answer.status in (200, 401)
    assert rows(many, BETA)["deals"] == 0


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hostile_text())
def test_a_workspace_name_from_slack_is_stored_whatever_it_holds(
    store: Store, clock: ManualClock, raw: str
) -> None:
    name = clean_text(raw)  # as RunningBot hears of an installation

    installs.installed(store, clock, ACME, name)

    with store.reading() as session:
        workspace = session.get(Workspace, ACME)
    assert workspace is not None and workspace.uninstalled_at is None
    if name:
        assert workspace.name == name[:200]
