"""Engine, sessions and schema upgrades: one session per unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import ColumnElement, Engine, create_engine, event, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
_UPGRADE_LOCK_KEY = 7_406_195_301  # any constant: serialises replicas upgrading one PostgreSQL


class Store:
    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; safe when several replicas start at once."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": _UPGRADE_LOCK_KEY}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def make_engine(url: str, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def insert_if_absent(
    session: Session, model: type[Any], values: dict[str, Any], unique: list[str]
) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING; the new primary key, or None when the row existed.

    The unique constraint decides, so two replicas or two deliveries racing get one winner.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(f"no insert-if-absent for {dialect}")
    key = next(iter(model.__table__.primary_key.columns))
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=unique).returning(key)
    )
    return session.execute(statement).scalar_one_or_none()


def claim_due_rows(
    session: Session,
    model: Any,
    ready: ColumnElement[bool],
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[int]:
    """Take up to `limit` rows of due work (`due_at` passed, `ready`) for `lease`.

    On PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so replicas pass each
    other by; everywhere, each row is then taken with a compare-and-set on its claim, so
    a row is only ever held by one dispatcher. A claim that outlives its lease (the
    dispatcher died) can be taken again; `send_key` is set here, before any send, so the
    next holder can tell whether the message already went out."""
    free = or_(model.claimed_until.is_(None), model.claimed_until < now)
    candidates = (
        select(model.id, model.send_key)
        .where(model.due_at <= now, ready, free)
        .order_by(model.due_at, model.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for row_id, send_key in session.execute(candidates).all():
        taken = session.execute(
            update(model)
            .where(model.id == row_id, free)
            .values(
                claimed_until=now + lease,
                attempts=model.attempts + 1,
                send_key=send_key or uuid.uuid4().hex,
            )
        )
        if taken.rowcount == 1:
            claimed.append(row_id)
    return claimed
