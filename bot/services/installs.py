"""A workspace installing and uninstalling the app: an uninstalled workspace is sent
nothing, and its data is deleted after a grace period unless it installs the app again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import deals as queries
from bot.store import due
from bot.store.db import Store, rows_changed
from bot.store.installations import delete_installations
from bot.store.models import (
    CheckIn,
    Deal,
    DueWork,
    HandOff,
    LabelledMessage,
    Member,
    Nudge,
    Story,
    Workspace,
    WorkStatus,
)

FORGET_WORKSPACE = "forget_workspace"
WHOLE_WORKSPACE = "*"
# What a workspace's data is, in the order it can be deleted (check-ins and hand-offs
# name deals, deals name the workspace).
WORKSPACE_TABLES = (HandOff, CheckIn, Nudge, Story, Member, LabelledMessage, Deal)


@dataclass(frozen=True)
class Forgotten:
    team_id: str
    rows: int


def installed(store: Store, clock: Clock, team_id: str, name: str | None = None) -> None:
    """The app is in this workspace (again): what waits for it goes out, and a pending
    deletion is called off."""
    with store.session() as session:
        queries.ensure_workspace(session, team_id, clock.now())
        values: dict[str, object] = {"uninstalled_at": None}
        if name:
            values["name"] = name[:200]
        session.execute(update(Workspace).where(Workspace.team_id == team_id).values(**values))
        session.execute(
            update(DueWork)
            .where(
                DueWork.team_id == team_id,
                DueWork.kind == FORGET_WORKSPACE,
                DueWork.status == WorkStatus.TODO.value,
            )
            .values(status=WorkStatus.CANCELLED.value, note="installed again")
        )


def uninstalled(store: Store, clock: Clock, team_id: str, grace_days: int) -> datetime:
    """Stop this workspace's sends (its tokens are deleted with the same commit) and
    plan the deletion of its data; when that comes. Slack may tell us twice
    (`tokens_revoked`, then `app_uninstalled`): the first time counts."""
    now = clock.now()
    with store.session() as session:
        delete_installations(session, team_id)
        queries.ensure_workspace(session, team_id, now)
        workspace = session.get(Workspace, team_id, with_for_update=True)
        assert workspace is not None
        if workspace.uninstalled_at is None:
            workspace.uninstalled_at = now
        since = workspace.uninstalled_at
        forget_at = since + timedelta(days=grace_days)
        due.add_once(
            session, FORGET_WORKSPACE, team_id, _period(since), WHOLE_WORKSPACE, forget_at, now
        )
    return forget_at


def forget_workspace(store: Store, team_id: str, period: str, work_id: int) -> Forgotten | None:
    """Delete everything Serve holds for a workspace uninstalled since `period`, keeping
    only the due work `work_id` doing it; None when it was installed again meanwhile."""
    with store.session() as session:
        workspace = session.get(Workspace, team_id, with_for_update=True)
        if workspace is None or workspace.uninstalled_at is None:
            return None
        if _period(workspace.uninstalled_at) != period:
            return None  # installed and uninstalled again: a later deletion is planned
        rows = _delete_all(session, team_id, work_id)
    return Forgotten(team_id, rows)


def _delete_all(session: Session, team_id: str, work_id: int) -> int:
    rows = 0
    for table in WORKSPACE_TABLES:
        rows += rows_changed(session.execute(delete(table).where(table.team_id == team_id)))
    others = delete(DueWork).where(DueWork.team_id == team_id, DueWork.id != work_id)
    rows += rows_changed(session.execute(others))
    rows += rows_changed(session.execute(delete(Workspace).where(Workspace.team_id == team_id)))
    rows += delete_installations(session, team_id)
    return rows


def _period(moment: datetime) -> str:
    """When the workspace uninstalled, as due work's period: epoch seconds."""
    return str(int(moment.timestamp()))
