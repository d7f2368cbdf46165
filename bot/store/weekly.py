"""Queries for the numbers a weekly digest reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .models import CheckIn, CheckInStatus, Deal, DealStatus, DueWork, Outcome, WorkStatus


def deals_closed(session: Session, team_id: str, start: datetime, end: datetime) -> int:
    return (
        session.scalar(
            select(func.count(Deal.id)).where(
                Deal.team_id == team_id,
                Deal.status == DealStatus.ACTIVE.value,
                Deal.closed_at >= start,
                Deal.closed_at < end,
            )
        )
        or 0
    )


def checkins_sent_and_done(
    session: Session, team_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """Check-ins whose DM went out in the period, and how many of those were logged."""
    done = func.sum(case((CheckIn.status == CheckInStatus.DONE.value, 1), else_=0))
    row = session.execute(
        select(func.count(CheckIn.id), done).where(
            CheckIn.team_id == team_id, CheckIn.sent_at >= start, CheckIn.sent_at < end
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def customers_needing_help(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[tuple[str, str]]:
    """(customer, who checked in) for each check-in logged as "needs help" in the period."""
    rows = session.execute(
        select(Deal.customer, CheckIn.logged_by)
        .join(Deal, Deal.id == CheckIn.deal_id)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.outcome == Outcome.NEEDS_HELP.value,
            CheckIn.logged_at >= start,
            CheckIn.logged_at < end,
        )
        .order_by(CheckIn.logged_at)
    ).all()
    return [(customer, logged_by or "") for customer, logged_by in rows]


def _week_index(column: Any, bounds: Sequence[datetime]) -> Any:
    """Which of the weeks between `bounds` (n+1 instants for n weeks) a moment falls in,
    as SQL: the same CASE on SQLite and PostgreSQL, so each history query groups by
    week in the database and returns at most one row per week."""
    return case(
        *[(column < end, index) for index, end in enumerate(bounds[1:])],
        else_=len(bounds) - 2,
    )


def deals_closed_by_week(
    session: Session, team_id: str, bounds: Sequence[datetime]
) -> dict[int, int]:
    week = _week_index(Deal.closed_at, bounds)
    rows = session.execute(
        select(week, func.count(Deal.id))
        .where(
            Deal.team_id == team_id,
            Deal.status == DealStatus.ACTIVE.value,
            Deal.closed_at >= bounds[0],
            Deal.closed_at < bounds[-1],
        )
        .group_by(week)
    ).all()
    return {int(index): int(count) for index, count in rows}


def checkins_by_week(
    session: Session, team_id: str, bounds: Sequence[datetime]
) -> dict[int, tuple[int, int]]:
    """(sent, answered) per week: check-ins whose DM went out that week, and how many of
    those were logged, as the weekly digest counts them."""
    week = _week_index(CheckIn.sent_at, bounds)
    done = func.sum(case((CheckIn.status == CheckInStatus.DONE.value, 1), else_=0))
    rows = session.execute(
        select(week, func.count(CheckIn.id), done)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.sent_at >= bounds[0],
            CheckIn.sent_at < bounds[-1],
        )
        .group_by(week)
    ).all()
    return {int(index): (int(sent or 0), int(answered or 0)) for index, sent, answered in rows}


def feelings_by_week(
    session: Session, team_id: str, bounds: Sequence[datetime]
) -> dict[int, dict[str, int]]:
    """How customers felt, per week an answer was logged: a count per outcome, and under
    "helped" the needs-help answers someone stepped in on."""
    week = _week_index(CheckIn.logged_at, bounds)
    helped = func.sum(case((CheckIn.helper_id.is_not(None), 1), else_=0))
    rows = session.execute(
        select(week, CheckIn.outcome, func.count(CheckIn.id), helped)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.outcome.is_not(None),
            CheckIn.logged_at >= bounds[0],
            CheckIn.logged_at < bounds[-1],
        )
        .group_by(week, CheckIn.outcome)
    ).all()
    felt: dict[int, dict[str, int]] = {}
    for index, outcome, count, stepped_in in rows:
        counts = felt.setdefault(int(index), {})
        counts[str(outcome)] = int(count)
        if outcome == Outcome.NEEDS_HELP.value:
            counts["helped"] = int(stepped_in or 0)
    return felt


def latest_digest_progress(session: Session, team_id: str, kind: str) -> dict[str, Any] | None:
    """The progress of the workspace's most recent digest that has posted, where its
    chart's uploaded file is kept: the Home shows that file rather than render one."""
    progress = session.scalars(
        select(DueWork.progress)
        .where(
            DueWork.team_id == team_id,
            DueWork.kind == kind,
            DueWork.status == WorkStatus.DONE.value,
        )
        .order_by(DueWork.due_at.desc())
        .limit(1)
    ).first()
    return dict(progress) if progress else None
