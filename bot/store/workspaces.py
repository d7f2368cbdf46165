"""Queries on workspaces: their row (settings, installed or not) and, when one is
forgotten, every row Serve keeps for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import cast

from sqlalchemy import Insert, delete, select, update
from sqlalchemy.orm import Session

from .db import dialect_insert, insert_if_absent, rows_changed
from .installations import delete_installations
from .models import (
    AuditEntry,
    ChannelRead,
    CheckIn,
    Deal,
    DueWork,
    HandOff,
    HistoryTurn,
    LabelledMessage,
    Member,
    Nudge,
    Story,
    Workspace,
)

# What a workspace's data is, in the order it can be deleted (check-ins and hand-offs
# name deals, deals name the workspace).
WORKSPACE_TABLES = (
    HandOff,
    CheckIn,
    Nudge,
    Story,
    Member,
    LabelledMessage,
    Deal,
    ChannelRead,
    HistoryTurn,
    AuditEntry,
)


def ensure_workspace(session: Session, team_id: str, now: datetime) -> None:
    """The workspace's row exists after this, whoever raced to create it."""
    insert_if_absent(session, Workspace, {"team_id": team_id, "created_at": now}, ["team_id"])


def workspace(session: Session, team_id: str, lock: bool = False) -> Workspace | None:
    """`lock` holds the row until the unit of work ends, so two changes take turns."""
    return session.get(Workspace, team_id, with_for_update=lock)


def hold_workspace(session: Session, team_id: str, now: datetime) -> Workspace:
    """The workspace's row, created if need be and held until the unit of work ends:
    what changes its settings or its installation re-reads it under the lock."""
    ensure_workspace(session, team_id, now)
    return session.get_one(Workspace, team_id, with_for_update=True)


def hold_workspace_row(session: Session, team_id: str, now: datetime) -> None:
    """`hold_workspace` in one statement, for a hot path that needs the lock and not the
    row: an INSERT whose conflict is an UPDATE that changes nothing, which creates the
    row or holds it until the unit of work ends either way."""
    statement = _workspace_hold(session.get_bind().dialect.name)
    session.execute(statement, {"team_id": team_id, "created_at": now})


@cache
def _workspace_hold(dialect: str) -> Insert:
    """`hold_workspace_row`'s statement, built once per dialect: its `excluded` alias
    copies every column of the table, too dear to build for each deal post."""
    insert = dialect_insert(dialect)(Workspace.__table__)
    same = {"team_id": insert.excluded.team_id}
    return cast(Insert, insert.on_conflict_do_update(index_elements=["team_id"], set_=same))


def installed_workspaces(session: Session) -> Sequence[Workspace]:
    """The workspaces the app is installed in: an uninstalled one is planned nothing."""
    return session.scalars(
        select(Workspace).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.team_id)
    ).all()


def team_ids(session: Session) -> Sequence[str]:
    """Every workspace the database knows, installed or not, in a stable order."""
    return session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)).all()


def mark_installed(session: Session, team_id: str, name: str | None) -> None:
    """The app is in the workspace: no longer uninstalled, and its name if Slack gave one."""
    values: dict[str, object] = {"uninstalled_at": None}
    if name:
        values["name"] = name[:200]
    session.execute(update(Workspace).where(Workspace.team_id == team_id).values(**values))


def delete_workspace(session: Session, team_id: str, keep_work_id: int) -> int:
    """Every row kept for the workspace, its tokens included, except the due work
    `keep_work_id` that is doing the deleting (it must still be finished); how many."""
    rows = 0
    for table in WORKSPACE_TABLES:
        rows += rows_changed(session.execute(delete(table).where(table.team_id == team_id)))
    others = delete(DueWork).where(DueWork.team_id == team_id, DueWork.id != keep_work_id)
    rows += rows_changed(session.execute(others))
    rows += rows_changed(session.execute(delete(Workspace).where(Workspace.team_id == team_id)))
    rows += delete_installations(session, team_id)
    return rows
