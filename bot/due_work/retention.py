"""Deleting a workspace's notes and stories older than it keeps them, once a day."""

from __future__ import annotations

from bot.services import retention

from .work import Wiring, Work


def register(wiring: Wiring) -> None:
    wiring.register(retention.FORGET_OLD, forget_old)


def forget_old(work: Work) -> str | None:
    """The retention as it is now: one an admin turned off since the row was made
    deletes nothing."""
    months = work.workspace.retention_months
    if not months:
        return "kept: the workspace keeps notes and stories"
    deleted = retention.forget_old(work.store, work.clock, work.team_id, months)
    return f"deleted {deleted.notes} notes and {deleted.stories} stories older than {months} months"
