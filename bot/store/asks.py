"""Queries on the asks about posts Serve was unsure of (see `DealAsk`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import insert_if_absent
from .models import DealAsk


def ask_once(session: Session, values: dict[str, Any]) -> bool:
    """Record an ask for a message; False when it was asked about already. The unique
    constraint decides, so two deliveries or replicas racing get one winner."""
    unique = ["team_id", "channel_id", "message_ts"]
    return insert_if_absent(session, DealAsk, values, unique) is not None


def ask_for(
    session: Session, team_id: str, channel_id: str, ts: str, lock: bool = False
) -> DealAsk | None:
    query = select(DealAsk).where(
        DealAsk.team_id == team_id, DealAsk.channel_id == channel_id, DealAsk.message_ts == ts
    )
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def answer(session: Session, ask: DealAsk, said: str, by: str, now: datetime) -> None:
    ask.answer, ask.answered_by, ask.answered_at = said, by, now
