"""Queries on deals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import OPEN_CHECKIN_STATUSES, CheckIn, Deal, DealStatus, Workspace

# A deal names its workspace, so whoever records one makes sure the workspace is there.
from .workspaces import ensure_workspace as ensure_workspace


def add_deal_once(session: Session, values: dict[str, Any]) -> Deal | None:
    """The new deal, or None when this message already has one (any status): one
    INSERT … ON CONFLICT DO NOTHING that returns the row it wrote, so a deal post never
    reads back what it just wrote."""
    unique = ["team_id", "channel_id", "message_ts"]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(Deal).values(**values).on_conflict_do_nothing(index_elements=unique)
        return session.scalars(pg.returning(Deal)).one_or_none()
    if dialect == "sqlite":
        lite = sqlite.insert(Deal).values(**values).on_conflict_do_nothing(index_elements=unique)
        return session.scalars(lite.returning(Deal)).one_or_none()
    raise NotImplementedError(f"no insert-if-absent for {dialect}")


def active_deals_closed_between(
    session: Session,
    team_id: str,
    start: datetime,
    end: datetime,
    from_webhook: bool | None = None,
) -> Sequence[Deal]:
    """Active deals of a workspace closed in [start, end], the newest first: through any
    door, or only a CRM's webhook's (`from_webhook`) or only a post's (False). Naming the
    door keeps a busy deal channel's own posts out of what a new post is compared with."""
    query = select(Deal).where(
        Deal.team_id == team_id,
        Deal.status == DealStatus.ACTIVE.value,
        Deal.closed_at >= start,
        Deal.closed_at <= end,
    )
    if from_webhook is True:
        query = query.where(Deal.source.is_not(None))
    elif from_webhook is False:
        query = query.where(Deal.source.is_(None), Deal.message_ts.is_not(None))
    return session.scalars(query.order_by(Deal.closed_at.desc()).limit(200)).all()


def add_deal(session: Session, deal: Deal) -> Deal:
    """A deal from no message (nothing to be unique on), flushed so it has its id."""
    session.add(deal)
    session.flush()
    return deal


def deal_for_message(
    session: Session, team_id: str, channel_id: str, ts: str, lock: bool = False
) -> Deal | None:
    """`lock` holds the deal's row until the unit of work ends, so a click and an edit
    arriving together take turns."""
    query = select(Deal).where(
        Deal.team_id == team_id, Deal.channel_id == channel_id, Deal.message_ts == ts
    )
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def posted_between(
    session: Session, team_id: str, channel_id: str, since: datetime, until: datetime
) -> list[Deal]:
    """The channel's deals whose posts are from this time (either end included), in any
    state."""
    query = select(Deal).where(
        Deal.team_id == team_id,
        Deal.channel_id == channel_id,
        Deal.message_ts.is_not(None),
        Deal.closed_at >= since,
        Deal.closed_at <= until,
    )
    return list(session.scalars(query))


def deal_by_id(session: Session, deal_id: int, team_id: str, lock: bool = False) -> Deal | None:
    """The deal, if it is this workspace's: an id from a button is never trusted alone."""
    deal = session.get(Deal, deal_id, with_for_update=lock)
    return deal if deal is not None and deal.team_id == team_id else None


def deal_with_id(session: Session, deal_id: int, lock: bool = False) -> Deal | None:
    """The deal, for callers that know the id is ours (we stored it ourselves)."""
    return session.get(Deal, deal_id, with_for_update=lock)


ForReply = tuple[Deal, list[CheckIn], Workspace | None]


def for_reply(session: Session, deal_id: int) -> ForReply | None:
    """What a deal's thread reply draws, in one query: the deal, its open check-ins in
    stage order and its workspace's row (whose language the reply speaks)."""
    rows = session.execute(
        select(Deal, CheckIn, Workspace)
        .outerjoin(
            CheckIn,
            and_(CheckIn.deal_id == Deal.id, CheckIn.status.in_(OPEN_CHECKIN_STATUSES)),
        )
        .outerjoin(Workspace, Workspace.team_id == Deal.team_id)
        .where(Deal.id == deal_id)
        .order_by(CheckIn.stage, CheckIn.id)
    ).all()
    if not rows:
        return None
    planned = [row[1] for row in rows if row[1] is not None]
    return rows[0][0], planned, rows[0][2]


def record_reply(
    session: Session, deal_id: int, reply_ts: str, permalink: str | None
) -> Deal | None:
    """Where the deal's reply is, in one UPDATE that returns the deal as it is now (and
    holds its row until the unit of work ends)."""
    changed = (
        update(Deal)
        .where(Deal.id == deal_id)
        .values(reply_ts=reply_ts, permalink=func.coalesce(permalink, Deal.permalink))
        .returning(Deal)
    )
    return session.scalars(changed, execution_options={"populate_existing": True}).one_or_none()


def owned_by(session: Session, team_id: str, user_id: str, most: int) -> tuple[list[Deal], int]:
    """A person's active deals, most recently closed first, at most `most` of them, and
    how many they have in all."""
    owned = select(Deal).where(
        Deal.team_id == team_id,
        Deal.owner_id == user_id,
        Deal.status == DealStatus.ACTIVE.value,
    )
    shown = list(session.scalars(owned.order_by(Deal.closed_at.desc()).limit(most)))
    total = session.scalar(select(func.count()).select_from(owned.subquery())) or 0
    return shown, int(total)


def count_deals(session: Session) -> int:
    """Deals in every state and workspace: the simulation's tally."""
    return int(session.scalar(select(func.count()).select_from(Deal)) or 0)
