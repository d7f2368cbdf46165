"""Queries for the requests from Slack already taken (see `SeenRequest`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .db import insert_if_absent, rows_changed
from .models import SeenRequest

# Far longer than a signed request stays acceptable (five minutes) or Socket Mode
# redelivers an unacked envelope, and short enough that the table stays small.
REMEMBERED = timedelta(days=1)


def first_sight(session: Session, key: str, at: datetime) -> bool:
    """Record `key` as seen `at`; False when it was seen already. The primary key
    decides, so two replicas taking the same request at once get one winner."""
    return insert_if_absent(session, SeenRequest, {"key": key, "seen_at": at}, ["key"]) is not None


def forget_before(session: Session, cutoff: datetime) -> int:
    """Drop keys seen before `cutoff`; how many went."""
    return rows_changed(session.execute(delete(SeenRequest).where(SeenRequest.seen_at < cutoff)))
