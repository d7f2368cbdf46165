"""One table of due work: check-in steps join weekly prompts and digests, with a status
enum, a lease in `due_at`, and a partial index on what is still to run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import json
import uuid
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN_WORK = sa.text("status IN ('todo', 'doing')")
STEP_FOR_STATUS = {"planned": "checkin_send", "sent": "checkin_remind", "reminded": "checkin_miss"}
WORK_STATUS = {"pending": "todo", "done": "done", "skipped": "done", "failed": "failed"}


def upgrade() -> None:
    with op.batch_alter_table("due_work") as batch:
        batch.add_column(sa.Column("subject_id", sa.Integer()))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("progress", sa.JSON()))
        batch.add_column(sa.Column("note", sa.String(200)))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True)))
    _carry_over_weekly_work()
    with op.batch_alter_table("due_work") as batch:
        batch.drop_index("ix_due_work_due")
        batch.alter_column("kind", type_=sa.String(32), existing_nullable=False)
        batch.alter_column("period", existing_type=sa.String(16), nullable=True)
        batch.alter_column("recipient", existing_type=sa.String(80), nullable=True)
        batch.alter_column("due_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("send_key", existing_type=sa.String(64), nullable=False)
        for column in ("claimed_until", "channel", "message_ts", "parts_sent", "last_error"):
            batch.drop_column(column)
        batch.drop_column("done_at")
    op.create_index(
        "ix_due_work_due",
        "due_work",
        ["due_at"],
        postgresql_where=OPEN_WORK,
        sqlite_where=OPEN_WORK,
    )
    op.create_index(
        "ix_due_work_subject",
        "due_work",
        ["subject_id"],
        postgresql_where=OPEN_WORK,
        sqlite_where=OPEN_WORK,
    )
    _checkin_steps_become_due_work()
    op.drop_index("ix_checkins_due", table_name="checkins")
    with op.batch_alter_table("checkins") as batch:
        for column in ("claimed_until", "attempts", "send_key", "last_error"):
            batch.drop_column(column)


def _carry_over_weekly_work() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, status, due_at, created_at, send_key, channel, message_ts, parts_sent, "
            "attempts, last_error, done_at FROM due_work"
        )
    ).all()
    for row in rows:
        progress = None
        if row.parts_sent:
            progress = {"channel": row.channel, "ts": row.message_ts, "parts": row.parts_sent}
        bind.execute(
            sa.text(
                "UPDATE due_work SET status = :status, due_at = :due_at, send_key = :key, "
                "progress = :progress, note = :note, finished_at = :finished, "
                "started_at = :started WHERE id = :id"
            ),
            {
                "id": row.id,
                "status": WORK_STATUS.get(row.status, "failed"),
                "due_at": row.due_at or row.created_at,
                "key": row.send_key or uuid.uuid4().hex,
                "progress": json.dumps(progress) if progress else None,
                "note": row.last_error or (row.status if row.status == "skipped" else None),
                "finished": row.done_at,
                # a row tried before may have posted since it was made: look from there
                "started": row.created_at if row.attempts else None,
            },
        )


def _checkin_steps_become_due_work() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, team_id, status, due_at, sent_at, attempts, send_key, created_at, "
            "updated_at FROM checkins "
            "WHERE status IN ('planned', 'sent', 'reminded') AND due_at IS NOT NULL"
        ).columns(updated_at=sa.DateTime(timezone=True))
    ).all()
    for row in rows:
        bind.execute(
            sa.text(
                "INSERT INTO due_work (kind, team_id, subject_id, status, due_at, attempts, "
                "send_key, started_at, created_at) VALUES (:kind, :team, :subject, 'todo', :due, "
                ":attempts, :key, :started, :created)"
            ).bindparams(sa.bindparam("started", type_=sa.DateTime(timezone=True))),
            {
                "kind": STEP_FOR_STATUS[row.status],
                "team": row.team_id,
                "subject": row.id,
                "due": row.due_at,
                **_earlier_attempts(row),
                "created": row.created_at,
            },
        )
        if row.status != "planned":
            bind.execute(
                sa.text("UPDATE checkins SET due_at = :sent WHERE id = :id"),
                {"sent": row.sent_at, "id": row.id},
            )


def _earlier_attempts(row: sa.Row[tuple[object, ...]]) -> dict[str, object]:
    """A step tried before the upgrade keeps its attempts and its send key (0003 keyed a
    reminder `<key>:reminder`), so its next attempt looks for a message it may have
    posted, from the check-in's last change minus the longest 0003 retry span."""
    posted_as = {"planned": row.send_key, "sent": f"{row.send_key}:reminder"}.get(row.status)
    if not row.attempts or not row.send_key or posted_as is None:
        return {"attempts": 0, "key": uuid.uuid4().hex, "started": None}
    return {
        "attempts": row.attempts,
        "key": posted_as,
        "started": row.updated_at - timedelta(hours=3),
    }


def downgrade() -> None:
    raise NotImplementedError("0004 moves check-in steps into due_work; restore a backup instead")
