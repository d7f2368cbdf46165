"""Queries on labelled messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, select
from sqlalchemy.orm import Session

from .models import Deal, DealStatus, Label, LabelledMessage


def label(
    session: Session,
    team_id: str,
    channel_id: str,
    message_ts: str,
    said: Label,
    message: dict[str, Any],
    by: str,
    now: datetime,
    customer: str | None = None,
) -> None:
    """Keep a person's label on a message, with the customer they settled on for a deal;
    a later label replaces an earlier one."""
    kept = session.scalars(
        select(LabelledMessage)
        .where(
            LabelledMessage.team_id == team_id,
            LabelledMessage.channel_id == channel_id,
            LabelledMessage.message_ts == message_ts,
        )
        .with_for_update()
    ).one_or_none()
    if kept is None:
        kept = LabelledMessage(team_id=team_id, channel_id=channel_id, message_ts=message_ts)
        session.add(kept)
    kept.label, kept.message, kept.labelled_by, kept.labelled_at = said.value, message, by, now
    kept.customer = customer


def labelled(session: Session, team_id: str | None) -> Sequence[LabelledMessage]:
    query = select(LabelledMessage).order_by(LabelledMessage.labelled_at, LabelledMessage.id)
    if team_id:
        query = query.where(LabelledMessage.team_id == team_id)
    return session.scalars(query).all()


def newest(session: Session, team_id: str, limit: int) -> Sequence[LabelledMessage]:
    """A workspace's labelled messages, newest first."""
    return session.scalars(_NEWEST, {"team_id": team_id, "most": limit}).all()


# Built once: a deal post reads it (what the workspace taught recognition).
_NEWEST = (
    select(LabelledMessage)
    .where(LabelledMessage.team_id == bindparam("team_id"))
    .order_by(LabelledMessage.labelled_at.desc(), LabelledMessage.id.desc())
    .limit(bindparam("most", type_=Integer()))
)


def kept_deals(session: Session, team_id: str | None) -> Sequence[Deal]:
    """Deals read from a message that nobody removed and nobody labelled: kept as read."""
    query = select(Deal).where(
        Deal.status == DealStatus.ACTIVE.value,
        Deal.announcement.is_not(None),
        ~select(LabelledMessage.id)
        .where(
            LabelledMessage.team_id == Deal.team_id,
            LabelledMessage.channel_id == Deal.channel_id,
            LabelledMessage.message_ts == Deal.message_ts,
        )
        .exists(),
    )
    if team_id:
        query = query.where(Deal.team_id == team_id)
    return session.scalars(query.order_by(Deal.id)).all()


def labelled_with_deals(
    session: Session, team_id: str | None
) -> Sequence[tuple[LabelledMessage, Deal | None]]:
    """Labelled messages, oldest first, each with the active deal logged from it (its
    customer as the person settled it), if any: the workspace's examples."""
    query = (
        select(LabelledMessage, Deal)
        .outerjoin(
            Deal,
            and_(
                Deal.team_id == LabelledMessage.team_id,
                Deal.channel_id == LabelledMessage.channel_id,
                Deal.message_ts == LabelledMessage.message_ts,
                Deal.status == DealStatus.ACTIVE.value,
            ),
        )
        .order_by(LabelledMessage.labelled_at, LabelledMessage.id)
    )
    if team_id:
        query = query.where(LabelledMessage.team_id == team_id)
    return [(kept, deal) for kept, deal in session.execute(query)]
