"""Building the weekly digest for a week of 10,000 stories against one of 100: time to
compose it and draw every message, and how many SQL statements that takes.

    python bench/digest.py [database URL]     # SQLite in a temporary file by default

Target: under 0.3 s for 10,000 stories, with the same statement count as for 100.
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
from bot.services.weekly import compose_digest
from bot.store.db import Store
from bot.store.models import Story
from bot.views.digest import digest_messages

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("UTC")
TEAM = "T0BENCH"


def fill(store: Store, count: int) -> None:
    week = week_of(MONDAY, ZONE)
    rows = [
        {
            "team_id": TEAM,
            "shared_by": f"U0S{n % 300:04d}",
            "helpers": [f"U0H{n % 97:04d}"],
            "served": f"Customer {n % 50}" if n % 3 else None,
            "what_happened": f"Stayed late to walk customer {n} through their import, unasked.",
            "quality": "stewardship",
            "visibility": ("named", "anonymous", "leads")[n % 3],
            "week": week,
            "created_at": MONDAY + timedelta(seconds=n),
        }
        for n in range(count)
    ]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM stories"))
        connection.execute(insert(Story), rows)


def build(store: Store) -> tuple[float, int, int]:
    """Seconds to compose and draw the digest (median of 5), statements, messages."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    timings, messages = [], 0
    week = week_of(MONDAY, ZONE)
    engines = {id(e): e for e in (store.engine, store._read_engine)}.values()
    for repeat in range(5):
        for engine in engines:
            event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        digest = compose_digest(store, TEAM, week, ZONE, MONDAY, MONDAY)
        messages = len(digest_messages(digest))
        timings.append(time.perf_counter() - started)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
        if repeat == 0:
            first = len(statements)
    return statistics.median(timings), first, messages


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else ""
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        store = fresh_store(url or f"sqlite:///{folder}/bench.db")
        results = {}
        for count in (100, 10_000):
            fill(store, count)
            results[count] = build(store)
            took, statements, messages = results[count]
            lines.append(
                f"{count:>6,} stories: {took * 1000:7.1f} ms, {statements} SQL statements, "
                f"{messages} messages ({store.dialect})"
            )
        store.close()
    big, small = results[10_000], results[100]
    met = big[0] < 0.3 and big[1] == small[1]
    lines.append(
        f"target < 300 ms for 10,000 with the statements of 100: {'met' if met else 'MISSED'}"
    )
    record("Digest for a week of stories", lines)


if __name__ == "__main__":
    main()
