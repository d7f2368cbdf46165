"""Queries on deals and the workspaces they belong to."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .db import insert_if_absent, rows_changed
from .models import Deal, Workspace


def ensure_workspace(session: Session, team_id: str, now: datetime) -> None:
    insert_if_absent(session, Workspace, {"team_id": team_id, "created_at": now}, ["team_id"])


def workspace(session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def add_deal_once(session: Session, values: dict[str, Any]) -> Deal | None:
    """The new deal, or None when this message already has one (any status)."""
    deal_id = insert_if_absent(session, Deal, values, ["team_id", "channel_id", "message_ts"])
    return session.get(Deal, deal_id) if deal_id is not None else None


def deal_for_message(
    session: Session, team_id: str, channel_id: str, ts: str, lock: bool = False
) -> Deal | None:
    """`lock` holds the deal's row until the unit of work ends, so a click and an edit
    arriving together take turns."""
    query = select(Deal).where(
        Deal.team_id == team_id, Deal.channel_id == channel_id, Deal.message_ts == ts
    )
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def deal_by_id(session: Session, deal_id: int, team_id: str, lock: bool = False) -> Deal | None:
    deal = session.get(Deal, deal_id, with_for_update=lock)
    return deal if deal is not None and deal.team_id == team_id else None


def claim_reply(session: Session, deal_id: int, now: datetime, lease: timedelta) -> bool:
    """Take the right to post a deal's thread reply; a claim older than `lease` is stale."""
    result = session.execute(
        update(Deal)
        .where(
            Deal.id == deal_id,
            Deal.reply_ts.is_(None),
            or_(Deal.reply_claimed_at.is_(None), Deal.reply_claimed_at < now - lease),
        )
        .values(reply_claimed_at=now)
    )
    return rows_changed(result) == 1
