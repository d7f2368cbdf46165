"""Queries on check-ins, including claiming due work so no two dispatchers take one row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .models import OPEN_CHECKIN_STATUSES, CheckIn, CheckInStatus


def checkins_for_deal(session: Session, deal_id: int) -> Sequence[CheckIn]:
    return session.scalars(
        select(CheckIn).where(CheckIn.deal_id == deal_id).order_by(CheckIn.stage, CheckIn.id)
    ).all()


def open_checkins(session: Session, deal_id: int) -> Sequence[CheckIn]:
    return session.scalars(
        select(CheckIn)
        .where(CheckIn.deal_id == deal_id, CheckIn.status.in_(OPEN_CHECKIN_STATUSES))
        .order_by(CheckIn.stage, CheckIn.id)
    ).all()


def cancel_open(session: Session, deal_id: int, now: datetime) -> int:
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.deal_id == deal_id, CheckIn.status.in_(OPEN_CHECKIN_STATUSES))
        .values(status=CheckInStatus.CANCELLED.value, due_at=None, updated_at=now)
    )
    return result.rowcount


def claim_due(session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Take up to `limit` check-ins whose next step is due, for `lease`.

    On PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so replicas pass each
    other by; everywhere, each row is then taken with a compare-and-set on its claim, so
    a row is only ever held by one dispatcher. A claim that outlives its lease (the
    dispatcher died) can be taken again; `send_key` is set here, before any send, so the
    next holder can tell whether the message already went out."""
    free = or_(CheckIn.claimed_until.is_(None), CheckIn.claimed_until < now)
    candidates = (
        select(CheckIn.id, CheckIn.send_key)
        .where(CheckIn.due_at <= now, CheckIn.status.in_(OPEN_CHECKIN_STATUSES), free)
        .order_by(CheckIn.due_at, CheckIn.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for checkin_id, send_key in session.execute(candidates).all():
        taken = session.execute(
            update(CheckIn)
            .where(CheckIn.id == checkin_id, free)
            .values(
                claimed_until=now + lease,
                attempts=CheckIn.attempts + 1,
                send_key=send_key or uuid.uuid4().hex,
            )
        )
        if taken.rowcount == 1:
            claimed.append(checkin_id)
    return claimed
