"""Queries for a customer's relationship timeline: finding the customer by name, and
everything that happened with them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .models import CheckIn, Deal, DealStatus, HandOff, Story, Visibility

GONE = (DealStatus.DISMISSED.value, DealStatus.DELETED.value)


def customers_starting(session: Session, team_id: str, wanted: str, most: int) -> Sequence[Deal]:
    """Deals whose customer, lower-cased, begins with `wanted` (already lower-cased;
    `%` and `_` in it are literal), newest first; deals removed by a person or with
    their message are left out."""
    return session.scalars(
        select(Deal)
        .where(
            Deal.team_id == team_id,
            Deal.status.not_in(GONE),
            func.lower(Deal.customer).startswith(wanted, autoescape=True),
        )
        .order_by(Deal.closed_at.desc(), Deal.id.desc())
        .limit(most)
    ).all()


def checkins_of(session: Session, deal_id: int) -> Sequence[CheckIn]:
    """All of a deal's check-ins, in any state; the timeline orders them by time."""
    return session.scalars(select(CheckIn).where(CheckIn.deal_id == deal_id)).all()


def hand_offs_of(session: Session, deal_id: int) -> Sequence[HandOff]:
    """Every hand-off of a deal; the timeline orders them by time."""
    return session.scalars(select(HandOff).where(HandOff.deal_id == deal_id)).all()


def stories_naming(
    session: Session, team_id: str, customer: str, with_leads_only: bool
) -> Sequence[Story]:
    """Stories whose "served" or text contain the customer's name, ignoring case;
    leads-only ones only `with_leads_only`."""
    pattern = customer.lower()
    query = select(Story).where(
        Story.team_id == team_id,
        or_(
            func.lower(Story.served).contains(pattern, autoescape=True),
            func.lower(Story.what_happened).contains(pattern, autoescape=True),
        ),
    )
    if not with_leads_only:
        query = query.where(Story.visibility != Visibility.LEADS.value)
    return session.scalars(query).all()
