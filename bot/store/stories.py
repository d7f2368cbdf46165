"""Queries on service stories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from .models import Story, Visibility


def add_story(session: Session, story: Story) -> Story:
    """Keep a story, flushed so due work about it can name its id."""
    session.add(story)
    session.flush()
    return story


def delete_story(session: Session, story: Story) -> None:
    """Delete a story loaded in this unit of work (its row is gone at the commit)."""
    session.delete(story)


def story(session: Session, story_id: int) -> Story | None:
    """A story by its id, from due work that names it; None once it was deleted."""
    return session.get(Story, story_id)


def recent_stories(session: Session, team_id: str, most: int) -> list[Story]:
    """The workspace's latest stories, newest first, of every visibility: the caller
    picks what a reader may see."""
    return list(
        session.scalars(
            select(Story)
            .where(Story.team_id == team_id)
            .order_by(Story.created_at.desc(), Story.id.desc())
            .limit(most)
        )
    )


def count_stories(session: Session) -> int:
    """Stories in every workspace: the simulation's tally."""
    return int(session.scalar(select(func.count()).select_from(Story)) or 0)


def count_shared_by(session: Session, team_id: str, user_id: str, week: str) -> int:
    sharer = {"team_id": team_id, "user_id": user_id, "week": week}
    return session.scalar(_SHARED_BY, sharer) or 0


# Built once: asked before every story prompt.
_SHARED_BY = select(func.count(Story.id)).where(
    Story.team_id == bindparam("team_id"),
    Story.shared_by == bindparam("user_id"),
    Story.week == bindparam("week"),
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
