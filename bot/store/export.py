"""Queries for a workspace's export: every deal, check-in and story it holds, in the
order the CSV lists them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import CheckIn, Deal, Story, Visibility


def deals_of(session: Session, team_id: str) -> Iterable[Deal]:
    """Every deal, removed ones too, oldest first."""
    return session.scalars(select(Deal).where(Deal.team_id == team_id).order_by(Deal.id))


def customers_by_deal(session: Session, team_id: str) -> dict[int, str]:
    """Each deal's customer, so a check-in's row can name it without loading its deal."""
    rows = session.execute(select(Deal.id, Deal.customer).where(Deal.team_id == team_id)).all()
    return {deal_id: customer for deal_id, customer in rows}


def checkins_of(session: Session, team_id: str) -> Iterable[CheckIn]:
    """Every check-in, by deal and then stage."""
    return session.scalars(
        select(CheckIn).where(CheckIn.team_id == team_id).order_by(CheckIn.deal_id, CheckIn.stage)
    )


def stories_of(session: Session, team_id: str, with_leads_only: bool) -> Iterable[Story]:
    """Every story, oldest first; leads-only ones only `with_leads_only`."""
    query = select(Story).where(Story.team_id == team_id).order_by(Story.id)
    if not with_leads_only:
        query = query.where(Story.visibility != Visibility.LEADS.value)
    return session.scalars(query)
