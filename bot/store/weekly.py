"""Queries for the numbers a weekly digest reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .models import CheckIn, CheckInStatus, Deal, DealStatus, Outcome


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
