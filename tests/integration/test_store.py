"""The store on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select, text

from bot.store import deals as queries
from bot.store.db import Store
from bot.store.models import Deal, DealStatus

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


def deal_values(ts: str = "1763658000.000100", **extra: Any) -> dict[str, Any]:
    return {
        "team_id": "T1",
        "channel_id": "C1",
        "message_ts": ts,
        "customer": "Acme Corp",
        "owner_id": "U1",
        "amount": Decimal("40000"),
        "currency": "USD",
        "from_integration": False,
        "status": DealStatus.ACTIVE.value,
        "closed_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }


def add(store: Store, **extra: Any) -> Deal | None:
    with store.session() as session:
        queries.ensure_workspace(session, "T1", NOW)
        return queries.add_deal_once(session, deal_values(**extra))


def test_upgrade_creates_every_table_and_can_run_again(blank_database_url: str) -> None:
    store = Store(blank_database_url)
    assert inspect(store.engine).get_table_names() == []
    store.upgrade()
    store.upgrade()
    tables = set(inspect(store.engine).get_table_names())
    store.close()
    assert {"workspaces", "deals", "alembic_version"} <= tables


def test_same_message_never_yields_two_deals(store: Store) -> None:
    first = add(store)
    second = add(store, customer="Someone Else")

    assert first is not None and second is None
    with store.session() as session:
        assert session.scalar(select(func.count(Deal.id))) == 1
        assert session.scalars(select(Deal.customer)).one() == "Acme Corp"


def test_racing_inserts_of_one_message_have_one_winner(store: Store) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: add(store), range(16)))

    assert sum(result is not None for result in results) == 1
    with store.session() as session:
        assert session.scalar(select(func.count(Deal.id))) == 1


def test_times_come_back_as_utc_and_amounts_exact(store: Store) -> None:
    tokyo = datetime(2026, 11, 21, 18, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    deal = add(store, closed_at=tokyo, amount=Decimal("1234.56"))
    assert deal is not None
    with store.session() as session:
        stored = session.get_one(Deal, deal.id)
        assert stored.closed_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
        assert stored.closed_at.tzinfo == UTC
        assert stored.amount == Decimal("1234.56")


def test_deal_lookup_is_scoped_to_its_workspace(store: Store) -> None:
    deal = add(store)
    assert deal is not None
    with store.session() as session:
        assert queries.deal_by_id(session, deal.id, "T1") is not None
        assert queries.deal_by_id(session, deal.id, "T2") is None


def test_migrations_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.installations import TABLES
    from bot.store.models import Base

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, [Base.metadata, TABLES])  # type: ignore[arg-type]
    assert differences == []


def test_upgrade_to_0004_turns_open_checkins_and_weekly_work_into_due_work(
    blank_database_url: str,
) -> None:
    from alembic import command

    from bot.store.db import alembic_config
    from bot.store.models import DueWork, WorkStatus

    store = Store(blank_database_url)

    def upgrade_to(revision: str) -> None:
        with store.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    upgrade_to("0003")
    later, sent = NOW + timedelta(days=3), NOW - timedelta(days=1)
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspaces (team_id, created_at) VALUES ('T1', :now)"), {"now": NOW}
        )
        connection.execute(
            text(
                "INSERT INTO deals (id, team_id, customer, from_integration, status, closed_at, "
                "created_at, updated_at) VALUES (1, 'T1', 'Acme', false, 'active', :n, :n, :n)"
            ),
            {"n": NOW},
        )
        for checkin_id, status, due_at in [
            (1, "planned", later),
            (2, "sent", later),
            (3, "reminded", later),
            (4, "done", None),
        ]:
            connection.execute(
                text(
                    "INSERT INTO checkins (id, team_id, deal_id, stage, offset_days, recipient_id,"
                    " status, due_at, attempts, send_key, sent_at, created_at, updated_at) VALUES"
                    " (:id, 'T1', 1, :id, 3, 'U1', :status, :due, 2, 'k', :sent, :n, :n)"
                ),
                {"id": checkin_id, "status": status, "due": due_at, "sent": sent, "n": NOW},
            )
        connection.execute(
            text(
                "INSERT INTO due_work (kind, team_id, period, recipient, status, due_at, attempts,"
                " channel, message_ts, parts_sent, created_at) VALUES"
                " ('digest', 'T1', '2026-W48', '*', 'pending', :due, 1, 'C1', '1.1', 2, :n),"
                " ('prompt', 'T1', '2026-W48', 'U1', 'skipped', :due, 1, NULL, NULL, 0, :n)"
            ),
            {"due": later, "n": NOW},
        )

    upgrade_to("head")

    with store.session() as session:
        work = {(w.kind, w.subject_id): w for w in session.scalars(select(DueWork))}
    store.close()
    steps = {
        k: (w.status, w.due_at, w.attempts, w.send_key, w.started_at)
        for k, w in work.items()
        if k[0].startswith("checkin")
    }
    tried_from = NOW - timedelta(hours=3)  # tried before: look back past 0003's retries
    assert steps == {
        ("checkin_send", 1): (WorkStatus.TODO, later, 2, "k", tried_from),
        ("checkin_remind", 2): (WorkStatus.TODO, later, 2, "k:reminder", tried_from),
        ("checkin_miss", 3): (WorkStatus.TODO, later, 0, steps[("checkin_miss", 3)][3], None),
    }
    digest, prompt = work[("digest", None)], work[("prompt", None)]
    assert (digest.status, digest.progress) == (
        WorkStatus.TODO,
        {"channel": "C1", "ts": "1.1", "parts": 2},
    )
    assert (prompt.status, prompt.note) == (WorkStatus.DONE, "skipped")
    assert digest.started_at == NOW  # it was tried: a retry looks for parts from its start
    assert len({w.send_key for w in work.values()}) == len(work) == 5
