"""How long the runner takes to claim due work as pending work piles up.

    python bench/claim.py                       # SQLite, in a temporary file
    python bench/claim.py postgresql+psycopg://postgres@127.0.0.1:5432/test

For each size, the table holds that many pending rows (due over the next months) and as
many finished ones behind them, without ANALYZE; a few rows are due now. It prints the
median time of claiming 4 rows (one tick's worth), which should stay flat.
ATTENTION: on PostgreSQL it empties the database's public schema first."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.store import due
from bot.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZES = (1_000, 10_000, 100_000)
REPEATS = 50


def fresh_store(url: str) -> Store:
    if url.startswith("postgresql"):
        store = Store(url)
        with store.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        store = Store(url)
    store.upgrade()
    return store


def fill(store: Store, pending: int) -> None:
    rows = [
        {
            "kind": "checkin_send",
            "team_id": "T1",
            "subject_id": n,
            "status": "done" if n < pending else "todo",
            "due_at": NOW + timedelta(minutes=n - pending),
            "attempts": 0,
            "send_key": f"{n:032x}",
            "created_at": NOW,
        }
        for n in range(2 * pending)
    ]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM due_work"))
        connection.execute(
            text(
                "INSERT INTO due_work (kind, team_id, subject_id, status, due_at, attempts, "
                "send_key, created_at) VALUES (:kind, :team_id, :subject_id, :status, :due_at, "
                ":attempts, :send_key, :created_at)"
            ),
            rows,
        )


def claim_time(store: Store) -> float:
    timings = []
    for repeat in range(REPEATS):
        now = NOW + timedelta(minutes=repeat)
        started = time.perf_counter()
        with store.session() as session:
            claimed = due.claim(session, now, timedelta(minutes=5), 4)
        timings.append(time.perf_counter() - started)
        assert claimed, "nothing was due"
    return statistics.median(timings)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as folder:
        store = fresh_store(url or f"sqlite:///{folder}/bench.db")
        print(f"claim 4 due rows, median of {REPEATS}, on {store.dialect}")
        for pending in SIZES:
            fill(store, pending)
            took = claim_time(store) * 1000
            print(f"  {pending:>7,} pending + {pending:>7,} finished: {took:6.2f} ms")
        store.close()


if __name__ == "__main__":
    main()
