"""Queries on the runs of Workflow Builder steps (see `StepRun`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .db import insert_if_absent
from .models import StepRun


def claim_run(
    session: Session, execution_id: str, team_id: str, step: str, now: datetime
) -> dict[str, Any] | None:
    """Take the run for this unit of work. None when it is the first to take it; the
    outputs an earlier unit of work finished it with otherwise. The primary key decides:
    on PostgreSQL a second delivery waits here until the first commits."""
    values = {"execution_id": execution_id, "team_id": team_id, "step": step, "created_at": now}
    if insert_if_absent(session, StepRun, values, ["execution_id"]) is not None:
        return None
    earlier = session.get(StepRun, execution_id)
    return dict(earlier.outputs or {}) if earlier is not None else {}


def outputs_of(session: Session, execution_id: str) -> dict[str, Any] | None:
    """What the run finished with; None for a run not taken yet."""
    run = session.get(StepRun, execution_id)
    return dict(run.outputs or {}) if run is not None else None


def finish_run(session: Session, execution_id: str, outputs: dict[str, Any]) -> None:
    """What the run made, in the unit of work that made it."""
    run = session.get(StepRun, execution_id)
    if run is not None:
        run.outputs = outputs
