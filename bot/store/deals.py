"""Queries on deals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import Select, String, Table, and_, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from .db import dialect_insert
from .models import OPEN_CHECKIN_STATUSES, CheckIn, Deal, DealStatus, Workspace

# A deal names its workspace, so whoever records one makes sure the workspace is there.
from .workspaces import ensure_workspace as ensure_workspace

_deals = cast(Table, Deal.__table__)


def add_deal_once(session: Session, values: dict[str, Any]) -> Deal | None:
    """The new deal, or None when this message already has one (any status): one
    INSERT … ON CONFLICT DO NOTHING that returns the row it wrote, so a deal post never
    reads back what it just wrote."""
    statement = _deal_once(session.get_bind().dialect.name)
    return cast(Deal | None, session.scalars(statement, values).one_or_none())


@cache
def _deal_once(dialect: str) -> ExecutableReturnsRows:
    """`add_deal_once`'s statement, built once per dialect: a Core INSERT of the
    deal's values as parameters, its RETURNING row loaded as the ORM's Deal (the ORM's
    own bulk INSERT would sort the values per call)."""
    insert = dialect_insert(dialect)(_deals)
    once = insert.on_conflict_do_nothing(index_elements=["team_id", "channel_id", "message_ts"])
    return select(Deal).from_statement(once.returning(*Deal.__table__.c))


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
    window = {"team_id": team_id, "start": start, "end": end}
    return session.scalars(_closed_between(from_webhook), window).all()


@lru_cache(maxsize=4)
def _closed_between(from_webhook: bool | None) -> Select[Deal]:
    """`active_deals_closed_between`'s statement, built once per door."""
    query = select(Deal).where(
        Deal.team_id == bindparam("team_id"),
        Deal.status == DealStatus.ACTIVE.value,
        Deal.closed_at >= bindparam("start"),
        Deal.closed_at <= bindparam("end"),
    )
    if from_webhook is True:
        query = query.where(Deal.source.is_not(None))
    elif from_webhook is False:
        query = query.where(Deal.source.is_(None), Deal.message_ts.is_not(None))
    return query.order_by(Deal.closed_at.desc()).limit(200)


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
    rows = session.execute(_FOR_REPLY, {"deal_id": deal_id}).all()
    if not rows:
        return None
    planned = [row[1] for row in rows if row[1] is not None]
    return rows[0][0], planned, rows[0][2]


_FOR_REPLY = (
    select(Deal, CheckIn, Workspace)
    .outerjoin(
        CheckIn,
        and_(CheckIn.deal_id == Deal.id, CheckIn.status.in_(OPEN_CHECKIN_STATUSES)),
    )
    .outerjoin(Workspace, Workspace.team_id == Deal.team_id)
    .where(Deal.id == bindparam("deal_id"))
    .order_by(CheckIn.stage, CheckIn.id)
)


def record_reply(
    session: Session, deal_id: int, reply_ts: str, permalink: str | None
) -> Deal | None:
    """Where the deal's reply is, in one UPDATE that returns the deal as it is now (and
    holds its row until the unit of work ends)."""
    where = {"deal_id": deal_id, "reply_ts": reply_ts, "permalink": permalink}
    changed = session.scalars(_RECORD_REPLY, where, execution_options={"populate_existing": True})
    return cast(Deal | None, changed.one_or_none())


# A Core UPDATE built once, its RETURNING row loaded as the ORM's Deal.
_RECORD_REPLY = select(Deal).from_statement(
    update(_deals)
    .where(_deals.c.id == bindparam("deal_id"))
    .values(
        reply_ts=bindparam("reply_ts"),
        permalink=func.coalesce(bindparam("permalink", type_=String()), _deals.c.permalink),
    )
    .returning(*_deals.c)
)


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
