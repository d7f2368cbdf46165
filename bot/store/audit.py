"""Queries on a workspace's audit trail: writing an entry beside the change it records,
reading the latest for `/serve audit`, all of them for the export, and taking a
forgotten person's id off the entries they made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .db import rows_changed
from .models import FORMER_TEAMMATE, AuditEntry, AuditKind


def record(
    session: Session,
    team_id: str,
    at: datetime,
    actor: str,
    kind: AuditKind,
    change: Mapping[str, Any],
) -> None:
    """An entry, written with the unit of work that makes the change it records."""
    session.add(
        AuditEntry(team_id=team_id, at=at, actor=actor, kind=kind.value, change=dict(change))
    )


def latest(session: Session, team_id: str, most: int) -> Sequence[AuditEntry]:
    """The workspace's newest entries, newest first."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.team_id == team_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(most)
    ).all()


def count(session: Session, team_id: str) -> int:
    counted = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.team_id == team_id)
    )
    return int(counted or 0)


def entries_of(session: Session, team_id: str) -> Sequence[AuditEntry]:
    """Every entry, oldest first, as the export lists them."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.team_id == team_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


def name_former_teammate(session: Session, team_id: str, user_id: str) -> int:
    """Entries a forgotten person made say "a former teammate" did it: the trail keeps
    what was done, not who."""
    return rows_changed(
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.team_id == team_id, AuditEntry.actor == user_id)
            .values(actor=FORMER_TEAMMATE),
            execution_options={"synchronize_session": False},
        )
    )
