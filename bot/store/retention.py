"""Queries for a workspace's retention: the check-in notes and stories older than it
keeps them. The check-ins themselves, their outcomes and the deals stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from .db import rows_changed
from .models import CheckIn, Story


def forget_old_notes(session: Session, team_id: str, before: datetime, now: datetime) -> int:
    """Notes logged before `before` are emptied; how many."""
    return rows_changed(
        session.execute(
            update(CheckIn)
            .where(
                CheckIn.team_id == team_id,
                CheckIn.note.is_not(None),
                CheckIn.logged_at < before,
            )
            .values(note=None, updated_at=now),
            execution_options={"synchronize_session": False},
        )
    )


def delete_old_stories(session: Session, team_id: str, before: datetime) -> int:
    """Stories shared before `before` are deleted (due work that names one finds it
    gone and does nothing); how many."""
    return rows_changed(
        session.execute(
            delete(Story).where(Story.team_id == team_id, Story.created_at < before),
            execution_options={"synchronize_session": False},
        )
    )
