"""A workspace installing and uninstalling the app: an uninstalled workspace is sent
nothing, and its data is deleted after a grace period unless it installs the app again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store import audit, due
from bot.store import workspaces as queries
from bot.store.db import Store
from bot.store.installations import delete_installations
from bot.store.models import BY_SLACK, AuditKind

FORGET_WORKSPACE = "forget_workspace"
WHOLE_WORKSPACE = "*"


@dataclass(frozen=True)
class Forgotten:
    team_id: str
    rows: int


def installed(store: Store, clock: Clock, team_id: str, name: str | None = None) -> None:
    """The app is in this workspace (again): what waits for it goes out, and a pending
    deletion is called off."""
    with store.session() as session:
        queries.ensure_workspace(session, team_id, clock.now())
        queries.mark_installed(session, team_id, name)
        due.call_off(session, FORGET_WORKSPACE, team_id, "installed again")


def installed_teams(store: Store) -> list[str]:
    """The workspaces the app is in now, whose people Serve keeps in its directory."""
    with store.reading() as session:
        return [workspace.team_id for workspace in queries.installed_workspaces(session)]


def uninstalled(store: Store, clock: Clock, team_id: str, grace_days: int) -> datetime:
    """Stop this workspace's sends (its tokens are deleted with the same commit) and
    plan the deletion of its data; when that comes. Slack may tell us twice
    (`tokens_revoked`, then `app_uninstalled`): the first time counts, and is in the
    audit trail (deleted with the rest unless the app is installed again)."""
    now = clock.now()
    with store.session() as session:
        delete_installations(session, team_id)
        workspace = queries.hold_workspace(session, team_id, now)
        first = workspace.uninstalled_at is None
        if first:
            workspace.uninstalled_at = now
        since = workspace.uninstalled_at or now
        forget_at = since + timedelta(days=grace_days)
        if first:
            change = {"forget_at": forget_at.isoformat()}
            audit.record(session, team_id, now, BY_SLACK, AuditKind.UNINSTALL, change)
        due.add_once(
            session, FORGET_WORKSPACE, team_id, _period(since), WHOLE_WORKSPACE, forget_at, now
        )
    return forget_at


def forget_workspace(store: Store, team_id: str, period: str, work_id: int) -> Forgotten | None:
    """Delete everything Serve holds for a workspace uninstalled since `period`, keeping
    only the due work `work_id` doing it; None when it was installed again meanwhile."""
    with store.session() as session:
        workspace = queries.workspace(session, team_id, lock=True)
        if workspace is None or workspace.uninstalled_at is None:
            return None
        if _period(workspace.uninstalled_at) != period:
            return None  # installed and uninstalled again: a later deletion is planned
        rows = queries.delete_workspace(session, team_id, keep_work_id=work_id)
    return Forgotten(team_id, rows)


def _period(moment: datetime) -> str:
    """When the workspace uninstalled, as due work's period: epoch seconds."""
    return str(int(moment.timestamp()))
