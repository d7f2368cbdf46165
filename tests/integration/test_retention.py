"""Retention on SQLite and PostgreSQL (the `bot` runs on each backend, as the store
tests do): a workspace that keeps notes and stories for N months has exactly those
older than N months on the clock deleted, as the day's due work, and its audit trail
says so; a workspace that keeps them loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import answer_text, open_settings, serve, settings_values
from bot.services.retention import FORGET_OLD, months_before
from bot.store.models import AuditEntry, CheckIn, Deal, DueWork, Outcome, Story, Workspace
from bot.store.workspaces import ensure_workspace

TEAM = "T0SERVE"
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # the clock fixture's
SIX_MONTHS_AGO = datetime(2026, 5, 20, 17, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def a_team_with_history(bot: RunningBot, months: int | None) -> None:
    """A deal with a noted check-in and a story a minute either side of six months ago."""
    with bot.store.session() as session:
        ensure_workspace(session, TEAM, NOW)
        session.get_one(Workspace, TEAM).retention_months = months
        deal = Deal(
            team_id=TEAM,
            channel_id="C0DEALS",
            message_ts="1.0",
            customer="Acme Corp",
            owner_id="U0ALICE",
            amount=Decimal("40000"),
            closed_at=SIX_MONTHS_AGO - timedelta(days=30),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(deal)
        session.flush()
        for stage, (logged, note) in enumerate(
            [
                (SIX_MONTHS_AGO - MINUTE, "older: goes"),
                (SIX_MONTHS_AGO + MINUTE, "a minute younger: stays"),
                (SIX_MONTHS_AGO - timedelta(days=90), None),  # no note to delete
            ]
        ):
            session.add(
                CheckIn(
                    team_id=TEAM,
                    deal_id=deal.id,
                    stage=stage,
                    offset_days=3,
                    recipient_id="U0ALICE",
                    status="done",
                    outcome=Outcome.SATISFIED.value,
                    note=note,
                    logged_by="U0ALICE",
                    logged_at=logged,
                    created_at=logged,
                    updated_at=logged,
                )
            )
        for created, text in [
            (SIX_MONTHS_AGO - MINUTE, "older: goes"),
            (SIX_MONTHS_AGO - timedelta(days=400), "much older: goes"),
            (SIX_MONTHS_AGO, "six months to the minute: not older, stays"),
            (SIX_MONTHS_AGO + MINUTE, "a minute younger: stays"),
        ]:
            session.add(
                Story(
                    team_id=TEAM,
                    shared_by="U0BOB",
                    helpers=["U0ALICE"],
                    what_happened=text,
                    visibility="named",
                    week="2026-W21",
                    created_at=created,
                )
            )


def kept(bot: RunningBot) -> tuple[list[str | None], list[str], list[str]]:
    """The check-ins' notes and outcomes, by stage, and the stories left."""
    with bot.store.reading() as session:
        checkins = session.scalars(select(CheckIn).order_by(CheckIn.stage)).all()
        stories = session.scalars(select(Story.what_happened).order_by(Story.id)).all()
        return [c.note for c in checkins], [str(c.outcome) for c in checkins], list(stories)


def audit_entries(bot: RunningBot) -> list[AuditEntry]:
    with bot.store.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_what_is_older_than_n_months_goes_and_a_minute_younger_stays(
    bot: RunningBot, clock: ManualClock
) -> None:
    a_team_with_history(bot, months=6)

    bot.tick()

    notes, outcomes, stories = kept(bot)
    assert notes == [None, "a minute younger: stays", None]
    assert outcomes == ["satisfied"] * 3  # the check-ins and their outcomes stay
    assert stories == ["six months to the minute: not older, stays", "a minute younger: stays"]
    with bot.store.reading() as session:
        assert session.scalar(select(Deal.customer)) == "Acme Corp"
    [entry] = audit_entries(bot)
    assert (entry.kind, entry.actor, entry.at) == ("retention", "serve", NOW)
    assert entry.change == {"months": 6, "notes": 1, "stories": 2}


def test_it_runs_once_a_day_and_the_next_day_takes_what_has_aged_since(
    bot: RunningBot, clock: ManualClock
) -> None:
    a_team_with_history(bot, months=6)
    bot.tick()
    bot.tick()  # the same day: nothing more to do, no second row
    with bot.store.reading() as session:
        runs = session.scalars(select(DueWork).where(DueWork.kind == FORGET_OLD)).all()
    assert [(r.period, r.status) for r in runs] == [("2026-11-20", "done")]
    assert runs[0].note == "deleted 1 notes and 2 stories older than 6 months"

    clock.set(NOW + timedelta(days=1))
    bot.tick()

    notes, _, stories = kept(bot)
    assert notes == [None, None, None] and stories == []
    assert [e.change for e in audit_entries(bot)] == [
        {"months": 6, "notes": 1, "stories": 2},
        {"months": 6, "notes": 1, "stories": 2},
    ]


def test_retention_zero_or_unset_deletes_nothing(bot: RunningBot, clock: ManualClock) -> None:
    a_team_with_history(bot, months=0)
    before = kept(bot)

    bot.tick()
    clock.set(NOW + timedelta(days=400))
    bot.tick()

    assert kept(bot) == before
    assert audit_entries(bot) == []
    with bot.store.reading() as session:
        assert session.scalars(select(DueWork).where(DueWork.kind == FORGET_OLD)).all() == []


def test_an_admin_sets_the_retention_in_the_settings_form_and_the_trail_says_both(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    a_team_with_history(bot, months=None)
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    typed = {"type": "plain_text_input", "value": "6"}
    ack = fake_slack.submit("U0ADMIN", modal, settings_values(retention_months=typed))
    assert bot.wait_idle() and ack["response_action"] == "update"

    bot.tick()

    assert kept(bot)[2] == ["six months to the minute: not older, stays", "a minute younger: stays"]
    shown = answer_text(serve(fake_slack, bot, "U0ADMIN", "audit"))
    assert "Serve deleted 1 notes and 2 stories older than 6 months" in shown
    assert "<@U0ADMIN> changed *Keep notes and stories for (months; 0: for ever)* from 0 to 6" in (
        shown
    )


@pytest.mark.parametrize("typed", ["121", "six", "-1"])
def test_a_retention_out_of_range_is_refused_on_its_field(
    fake_slack: FakeSlack, bot: RunningBot, typed: str
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    value = {"type": "plain_text_input", "value": typed}
    ack = fake_slack.submit("U0ADMIN", modal, settings_values(retention_months=value))
    assert ack["response_action"] == "errors" and set(ack["errors"]) == {"retention_months"}
    assert audit_entries(bot) == []


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 20, 17, 0, tzinfo=UTC), 6, datetime(2026, 5, 20, 17, 0, tzinfo=UTC)),
        (datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2028, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 0, 0, tzinfo=UTC), 13, datetime(2024, 12, 15, 0, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 0, 0, tzinfo=UTC), 120, datetime(2016, 1, 15, 0, 0, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected
