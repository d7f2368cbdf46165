"""The 12-week chart for a workspace with 10,000 check-ins: time to read the figures (and
how many SQL statements that takes) and to render the PNG, the first render (which
imports matplotlib) apart from the rest.

    python bench/chart.py [database URL]     # SQLite in a temporary file by default

Target: figures and PNG in under 1 s for 10,000 check-ins, in a fixed number of statements
(three queries, whatever the count).
ATTENTION: on PostgreSQL it empties the database's public schema first."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parents[1]))

from sqlalchemy import event, insert, text

from bench.results import fresh_store, record
from bot.services.stories import week_of
from bot.services.weekly import history
from bot.store.db import Store
from bot.store.models import CheckIn, Deal, Workspace
from bot.views.chart import render_png

NOW = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
ZONE = ZoneInfo("UTC")
TEAM = "T0BENCH"
CHECKINS = 10_000
OUTCOMES = ("satisfied", "neutral", "needs_help")


def fill(store: Store) -> None:
    """2,500 deals over the last 12 weeks, four check-ins each, most of them answered."""
    start = NOW - timedelta(weeks=12)
    deals = [
        {
            "id": n + 1,
            "team_id": TEAM,
            "customer": f"Customer {n}",
            "owner_id": f"U0O{n % 40:04d}",
            "status": "active",
            "closed_at": start + timedelta(minutes=48 * n),
            "created_at": start,
            "updated_at": start,
        }
        for n in range(CHECKINS // 4)
    ]
    checkins = [
        {
            "team_id": TEAM,
            "deal_id": n // 4 + 1,
            "stage": n % 4,
            "offset_days": (3, 14, 45, 90)[n % 4],
            "recipient_id": f"U0O{n % 40:04d}",
            "status": "done" if n % 5 else "missed",
            "sent_at": start + timedelta(minutes=12 * n),
            "outcome": OUTCOMES[n % 3] if n % 5 else None,
            "logged_at": start + timedelta(minutes=12 * n + 60) if n % 5 else None,
            "helper_id": "U0HELP" if n % 5 and n % 3 == 2 and n % 2 else None,
            "created_at": start,
            "updated_at": start,
        }
        for n in range(CHECKINS)
    ]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM checkins"))
        connection.execute(text("DELETE FROM deals"))
        connection.execute(insert(Workspace), [{"team_id": TEAM, "created_at": start}])
        connection.execute(insert(Deal), deals)
        connection.execute(insert(CheckIn), checkins)


def measure(store: Store) -> tuple[float, float, float, int, int]:
    """(first render s, figures s, render s: medians of 5), statements, PNG bytes."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    week = week_of(NOW, ZONE)
    started = time.perf_counter()
    png = render_png(history(store, TEAM, week, ZONE))
    first = time.perf_counter() - started
    reading, drawing = [], []
    engines = {id(e): e for e in (store.engine, store._read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    for _ in range(5):
        started = time.perf_counter()
        figures = history(store, TEAM, week, ZONE)
        reading.append(time.perf_counter() - started)
        started = time.perf_counter()
        png = render_png(figures)
        drawing.append(time.perf_counter() - started)
    for engine in engines:
        event.remove(engine, "before_cursor_execute", count)
    return (
        first,
        statistics.median(reading),
        statistics.median(drawing),
        len(statements) // 5,
        len(png),
    )


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as folder:
        store = fresh_store(url or f"sqlite:///{folder}/bench.db")
        fill(store)
        first, reading, drawing, statements, size = measure(store)
        dialect = store.dialect
        store.close()
    total = reading + drawing
    lines = [
        f"{CHECKINS:,} check-ins ({dialect}): figures {reading * 1000:.1f} ms in {statements} "
        f"SQL statements, PNG {drawing * 1000:.1f} ms ({size:,} bytes); "
        f"first render with matplotlib's import {first * 1000:.0f} ms",
        f"target < 1,000 ms for figures and PNG: {'met' if total < 1 else 'MISSED'} "
        f"({total * 1000:.0f} ms)",
    ]
    record("The 12-week chart", lines)


if __name__ == "__main__":
    main()
