"""Queries on how far Serve has seen each deal channel (`ChannelRead`) and on each
workspace's turn at reading history (`HistoryTurn`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .db import hold_row
from .models import ChannelRead, Deal, DealAsk, HistoryTurn


def held(
    session: Session, team_id: str, channel_id: str, seen_to: datetime, now: datetime
) -> ChannelRead:
    """The channel's row, created (seen up to `seen_to`) if need be, held until the unit
    of work ends, so replicas and events take turns."""
    values = {"team_id": team_id, "channel_id": channel_id, "seen_to": seen_to, "updated_at": now}
    hold_row(session, ChannelRead, values, ["team_id", "channel_id"])
    return session.get_one(ChannelRead, (team_id, channel_id), populate_existing=True)


def known(
    session: Session, team_id: str, channel_id: str, lock: bool = False
) -> ChannelRead | None:
    return session.get(ChannelRead, (team_id, channel_id), with_for_update=lock)


def saw(session: Session, team_id: str, channel_id: str, at: datetime, now: datetime) -> None:
    """A message `at` was seen in the channel: its mark is at least that new."""
    read = held(session, team_id, channel_id, at, now)
    if read.seen_to < at:
        read.seen_to = at
        read.updated_at = now


def channels_of(
    session: Session, team_ids: Collection[str], lock: bool = False
) -> Sequence[ChannelRead]:
    """Every channel Serve has seen in these workspaces."""
    query = select(ChannelRead).where(ChannelRead.team_id.in_(list(team_ids)))
    query = query.order_by(ChannelRead.team_id, ChannelRead.channel_id)
    return session.scalars(query.with_for_update() if lock else query).all()


def forget(session: Session, team_id: str, channel_id: str) -> None:
    session.execute(
        delete(ChannelRead).where(
            ChannelRead.team_id == team_id, ChannelRead.channel_id == channel_id
        )
    )


def unmarked_channels(session: Session, team_ids: Collection[str]) -> list[tuple[str, str, str]]:
    """Channels of these workspaces with posts Serve recorded a deal or an ask for but no
    mark (Serve kept none before it caught up), each with the newest such post's ts: how
    far Serve had seen it."""
    teams = list(team_ids)
    marked = {
        (team_id, channel_id)
        for team_id, channel_id in session.execute(
            select(ChannelRead.team_id, ChannelRead.channel_id).where(
                ChannelRead.team_id.in_(teams)
            )
        )
    }
    newest: dict[tuple[str, str], str] = {}
    for model in (Deal, DealAsk):
        rows = session.execute(
            select(model.team_id, model.channel_id, func.max(model.message_ts))
            .where(model.team_id.in_(teams), model.channel_id.is_not(None))
            .group_by(model.team_id, model.channel_id)
        )
        for team_id, channel_id, ts in rows:
            key = (team_id, str(channel_id))
            if not ts or key in marked:
                continue
            if key not in newest or Decimal(ts) > Decimal(newest[key]):
                newest[key] = ts
    return [(team, channel, ts) for (team, channel), ts in sorted(newest.items())]


def take_turn(session: Session, team_id: str, now: datetime, spacing: timedelta) -> datetime | None:
    """Take the workspace's next history call; None when it is ours now, else when the
    next one may go."""
    hold_row(session, HistoryTurn, {"team_id": team_id, "next_at": now}, ["team_id"])
    turn = session.get_one(HistoryTurn, team_id, populate_existing=True)
    if turn.next_at > now:
        return turn.next_at
    turn.next_at = now + spacing
    return None


def turn_answered(session: Session, team_id: str, now: datetime, spacing: timedelta) -> None:
    """The call whose turn was taken came back at `now`: Slack counted it on arrival,
    somewhere before, so the next waits `spacing` from here at least."""
    turn = session.get(HistoryTurn, team_id, populate_existing=True, with_for_update=True)
    if turn is not None and turn.next_at < now + spacing:
        turn.next_at = now + spacing
