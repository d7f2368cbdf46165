"""Queries on check-ins, including claiming due work so no two dispatchers take one row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .db import claim_due_rows
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
    return claim_due_rows(
        session, CheckIn, CheckIn.status.in_(OPEN_CHECKIN_STATUSES), now, lease, limit
    )
