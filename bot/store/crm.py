"""Queries for CRM webhooks: the deal a CRM record's win is, and each workspace's secrets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db import insert_if_absent
from .models import CrmSecret, Deal

CRM_WIN = ["team_id", "source", "source_record", "source_stage"]


def add_win_once(session: Session, values: dict[str, Any]) -> Deal | None:
    """The new deal for a record's win, or None when that record already won at that
    stage (the deal kept in any status: a retry never brings back a removed deal)."""
    deal_id = insert_if_absent(session, Deal, values, CRM_WIN)
    return session.get(Deal, deal_id) if deal_id is not None else None


def secrets_of(session: Session, team_id: str) -> dict[str, str]:
    """A workspace's CRM secrets by name."""
    rows = session.scalars(select(CrmSecret).where(CrmSecret.team_id == team_id))
    return {row.name: row.value for row in rows}


def set_secret(session: Session, team_id: str, name: str, value: str, now: datetime) -> None:
    """Keep `value` as the workspace's secret `name`, replacing any before."""
    session.execute(delete(CrmSecret).where(CrmSecret.team_id == team_id, CrmSecret.name == name))
    session.add(CrmSecret(team_id=team_id, name=name, value=value, set_at=now))
