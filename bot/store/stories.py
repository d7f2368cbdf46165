"""Queries on service stories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Story, Visibility


def count_shared_by(session: Session, team_id: str, user_id: str, week: str) -> int:
    return (
        session.scalar(
            select(func.count(Story.id)).where(
                Story.team_id == team_id, Story.shared_by == user_id, Story.week == week
            )
        )
        or 0
    )


def team_stories(session: Session, team_id: str, week: str) -> Sequence[Story]:
    """The week's stories the whole team may read, oldest first; leads-only stay out."""
    return session.scalars(
        select(Story)
        .where(
            Story.team_id == team_id,
            Story.week == week,
            Story.visibility != Visibility.LEADS.value,
        )
        .order_by(Story.created_at, Story.id)
    ).all()
